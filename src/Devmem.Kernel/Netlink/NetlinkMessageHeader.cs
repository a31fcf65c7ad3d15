using System.Runtime.InteropServices;

namespace Devmem.Kernel.Netlink;

/// <summary>
/// <c>struct nlmsghdr</c> (include/uapi/linux/netlink.h): every netlink message starts with it, in host
/// byte order. 16 bytes; messages follow each other at <c>NLMSG_ALIGN</c> (4-byte) boundaries.
/// </summary>
/// <param name="Length"><c>nlmsg_len</c>: header plus payload, without the trailing alignment padding.</param>
/// <param name="Type"><c>nlmsg_type</c>: a <see cref="NetlinkMessageType"/> control type or, for generic netlink, the family id.</param>
/// <param name="Flags"><c>nlmsg_flags</c>: see <see cref="NetlinkFlags"/>.</param>
/// <param name="Sequence"><c>nlmsg_seq</c>: replies carry the sequence number of the request they answer.</param>
/// <param name="PortId"><c>nlmsg_pid</c>: the sender's port; 0 from user space (the kernel fills it in).</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct NetlinkMessageHeader(uint Length, ushort Type, ushort Flags, uint Sequence, uint PortId)
{
    /// <summary><c>NLMSG_HDRLEN</c>.</summary>
    public const int Size = 16;

    /// <summary><c>NLMSG_ALIGNTO</c>.</summary>
    public const int Alignment = 4;

    /// <summary><c>NLMSG_ALIGN(len)</c>.</summary>
    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);
}
