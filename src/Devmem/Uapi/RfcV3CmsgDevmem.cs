using System.Runtime.InteropServices;

namespace Devmem.Uapi;

/// <summary>
/// The seed's <c>struct cmsg_devmem</c> (RFC v3): 16 bytes, no dma-buf id and no flags. Emitted instead of
/// <see cref="DmabufCmsg"/> when a socket is switched to the RFC v3 layout, for code written against the seed.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct RfcV3CmsgDevmem(ulong FragOffset, uint FragSize, uint FragToken)
{
    /// <summary><c>sizeof(struct cmsg_devmem)</c>.</summary>
    public const int Size = 16;
}
