using Devmem.Kernel.Interop;
using Devmem.Uapi;

namespace Devmem.Kernel.Sockets;

/// <summary>What to tell a person who got an errno from the kernel's devmem socket paths.</summary>
internal static class KernelSocketErrors
{
    /// <summary>recvmsg(MSG_SOCK_DEVMEM) (net/ipv4/tcp.c: tcp_recvmsg_locked, tcp_recvmsg_dmabuf).</summary>
    public static string Receive(Errno errno) => errno switch
    {
        Errno.EFAULT => "device-memory data is queued: receive with MSG_SOCK_DEVMEM (MessageFlags.SockDevmem) to get it as fragments",
        Errno.ETOOSMALL => "the control buffer has no room for the next devmem cmsg: give a larger fragment span (each record takes 40 bytes of control buffer)",
        Errno.ENODEV => "the kernel met a fragment that is not device memory in an unreadable skb (a driver bug)",
        Errno.ENOMEM or Errno.EBUSY => "the socket's token table is full: return tokens with SO_DEVMEM_DONTNEED",
        Errno.EAGAIN => "no data yet: retry later, or receive without MSG_DONTWAIT to wait",
        Errno.EBADF or Errno.ENOTSOCK => "the descriptor is not an open socket",
        Errno.ENOTCONN => "the socket is not connected",
        Errno.EINVAL => "invalid flags for this socket",
        _ => "the connection failed",
    };

    /// <summary>setsockopt(SO_DEVMEM_DONTNEED) (net/core/sock.c: sock_devmem_dontneed).</summary>
    public static string Dontneed(Errno errno, int ranges) => errno switch
    {
        Errno.EINVAL => $"SO_DEVMEM_DONTNEED takes 1 to {DevmemUapi.MaxDontneedTokens} token ranges per call (this call had {ranges}); split the request",
        Errno.EBADF => "SO_DEVMEM_DONTNEED works on TCP sockets only",
        Errno.ENOPROTOOPT => "this kernel has no SO_DEVMEM_DONTNEED (devmem TCP needs Linux 6.12)",
        Errno.ENOTSOCK => "the descriptor is not a socket",
        _ => "the kernel refused the token return",
    };

    /// <summary>sendmsg(MSG_ZEROCOPY) with an SCM_DEVMEM_DMABUF cmsg (net/ipv4/tcp.c, net/core/devmem.c: net_devmem_get_binding).</summary>
    public static string Transmit(Errno errno) => errno switch
    {
        Errno.EINVAL => "the binding id names no TX binding (unknown, already unbound, or an RX binding), or SO_ZEROCOPY is not enabled on the socket (call EnableZerocopy)",
        Errno.ENODEV => "the route to the peer leaves through another device than the one the dma-buf is bound to",
        Errno.EFAULT => "a segment lies outside the dma-buf",
        Errno.ENOBUFS => "the socket's optmem limit for zerocopy notifications is reached: read completions (ReadCompletions) before sending more",
        Errno.EAGAIN => "the send buffer is full: retry later, or send without MSG_DONTWAIT to wait",
        Errno.EPIPE or Errno.ECONNRESET or Errno.ENOTCONN => "the connection is closed",
        _ => "the kernel refused the send",
    };
}
