using System.Runtime.InteropServices;
using Devmem.Uapi;

namespace Devmem.Kernel.Sockets;

/// <summary>
/// Reads MSG_ZEROCOPY completions out of error-queue control messages (<c>IP_RECVERR</c> or
/// <c>IPV6_RECVERR</c> carrying a <c>struct sock_extended_err</c> with origin <c>SO_EE_ORIGIN_ZEROCOPY</c>),
/// as Documentation/networking/msg_zerocopy.rst describes.
/// </summary>
internal static class ZerocopyCompletionDecoder
{
    private const int SolIp = 0;
    private const int IpRecvErr = 11;
    private const int SolIpv6 = 41;
    private const int Ipv6RecvErr = 25;

    /// <summary>True when <paramref name="message"/> is a zerocopy completion; other error-queue entries are not.</summary>
    internal static bool TryDecode(in ControlMessage message, out ZerocopyCompletion completion)
    {
        completion = default;
        bool recvErr = (message.Level == SolIp && message.Type == IpRecvErr) || (message.Level == SolIpv6 && message.Type == Ipv6RecvErr);
        if (!recvErr || message.Data.Length < SockExtendedError.Size)
        {
            return false;
        }

        SockExtendedError error = MemoryMarshal.Read<SockExtendedError>(message.Data);
        if (error.Origin != SockExtendedError.OriginZerocopy || error.Errno != 0)
        {
            return false;
        }

        completion = new ZerocopyCompletion(error.Info, error.Data, (error.Code & SockExtendedError.CodeZerocopyCopied) != 0);
        return true;
    }
}
