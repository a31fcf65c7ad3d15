using Devmem.Uapi;

namespace Devmem.Receive;

/// <summary>What to tell a person who got an errno from a receive or a token return.</summary>
internal static class ReceiveErrors
{
    public static string Advice(Errno errno) => errno switch
    {
        Errno.EFAULT => "device-memory data is queued: receive with MSG_SOCK_DEVMEM (MessageFlags.SockDevmem) to get it as fragments",
        Errno.ETOOSMALL => "no room for the next record: give a larger control buffer (40 bytes per fragment), fragment span or linear buffer",
        Errno.ENODEV => "an skb marked unreadable holds host memory: the engine built a malformed skb",
        Errno.EAGAIN => "no data yet: retry later, or receive without MSG_DONTWAIT to wait",
        Errno.EBADF => "the socket is closed",
        Errno.EBUSY => "all 2^31-1 token ids are outstanding: return tokens with SO_DEVMEM_DONTNEED",
        Errno.EINVAL => "invalid argument",
        _ => "the connection failed",
    };
}
