using System.Runtime.InteropServices;

namespace Devmem.Kernel.DmaBufs;

/// <summary>
/// <c>struct udmabuf_create</c> (include/uapi/linux/udmabuf.h): the argument of <c>UDMABUF_CREATE</c>, which
/// turns a page-aligned range of a sealed memfd into a dma-buf. 24 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UdmabufCreate
{
    /// <summary><c>UDMABUF_FLAGS_CLOEXEC</c>: the new dma-buf descriptor is closed on exec.</summary>
    public const uint FlagsCloexec = 0x01;

    /// <summary>
    /// <c>UDMABUF_CREATE</c> = <c>_IOW('u', 0x42, struct udmabuf_create)</c>: direction write (1 &lt;&lt; 30),
    /// size 24 (&lt;&lt; 16), type 'u' (0x75 &lt;&lt; 8), number 0x42.
    /// </summary>
    public const uint Ioctl = (1u << 30) | (24u << 16) | (0x75u << 8) | 0x42u;

    public uint Memfd;
    public uint Flags;
    public ulong Offset;
    public ulong Size;
}
