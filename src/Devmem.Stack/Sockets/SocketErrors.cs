using Devmem.Uapi;

namespace Devmem.Stack.Sockets;

/// <summary>The <see cref="DevmemException"/>s the public sockets throw: Linux's errno and what it means here.</summary>
internal static class SocketErrors
{
    public static DevmemException For(Errno errno, string endpoint) => new(errno, errno switch
    {
        Errno.ECONNREFUSED => $"connection refused by {endpoint}: nothing listens on that port",
        Errno.ECONNRESET => $"connection reset by {endpoint}",
        Errno.ETIMEDOUT => $"connection to {endpoint} timed out: the peer stopped answering retransmissions",
        Errno.ECONNABORTED => $"connection to {endpoint} aborted locally (the socket or the engine was disposed)",
        Errno.ENOTCONN => $"the socket to {endpoint} is not connected",
        Errno.EPIPE => $"the sending side to {endpoint} is shut down",
        _ => $"connection to {endpoint} failed",
    });
}
