using System.Runtime.InteropServices;

namespace Devmem.Uapi;

/// <summary>
/// <c>struct dmabuf_cmsg</c> (include/uapi/linux/uio.h): the payload of SCM_DEVMEM_LINEAR and
/// SCM_DEVMEM_DMABUF control messages. 24 bytes, natural alignment, no padding.
/// </summary>
/// <remarks>
/// For SCM_DEVMEM_LINEAR only <see cref="FragSize"/> is meaningful (bytes copied into the ordinary buffer).
/// For SCM_DEVMEM_DMABUF, <see cref="FragOffset"/> is the byte offset inside the dma-buf,
/// <see cref="FragToken"/> the id to return with SO_DEVMEM_DONTNEED, <see cref="DmabufId"/> the binding id.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct DmabufCmsg(ulong FragOffset, uint FragSize, uint FragToken, uint DmabufId, uint Flags)
{
    /// <summary><c>sizeof(struct dmabuf_cmsg)</c>.</summary>
    public const int Size = 24;
}
