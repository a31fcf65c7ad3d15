using System.Runtime.InteropServices;

namespace Devmem.Uapi;

/// <summary>
/// <c>struct dmabuf_token</c> (include/uapi/linux/uio.h; RFC v3 called it <c>struct devmemtoken</c>, same
/// layout): a range of token ids <c>[TokenStart, TokenStart + TokenCount)</c> returned by SO_DEVMEM_DONTNEED.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct DmabufToken(uint TokenStart, uint TokenCount)
{
    /// <summary><c>sizeof(struct dmabuf_token)</c>.</summary>
    public const int Size = 8;

    /// <summary>A range naming exactly one token.</summary>
    public static DmabufToken One(uint token) => new(token, 1);
}
