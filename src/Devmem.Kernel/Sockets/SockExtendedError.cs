using System.Runtime.InteropServices;

namespace Devmem.Kernel.Sockets;

/// <summary>
/// <c>struct sock_extended_err</c> (include/uapi/linux/errqueue.h): the payload of an IP_RECVERR /
/// IPV6_RECVERR control message read from a socket's error queue. 16 bytes; the offender's address follows.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct SockExtendedError(uint Errno, byte Origin, byte Type, byte Code, byte Pad, uint Info, uint Data)
{
    /// <summary><c>sizeof(struct sock_extended_err)</c>.</summary>
    public const int Size = 16;

    /// <summary><c>SO_EE_ORIGIN_ZEROCOPY</c>: a MSG_ZEROCOPY completion; [ee_info, ee_data] is the range of sends.</summary>
    public const byte OriginZerocopy = 5;

    /// <summary><c>SO_EE_CODE_ZEROCOPY_COPIED</c>: the kernel fell back to copying for (part of) the range.</summary>
    public const byte CodeZerocopyCopied = 1;
}
