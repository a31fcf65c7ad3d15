using System.Runtime.InteropServices;

namespace Devmem.Kernel.Interop;

/// <summary>Socket calls of the C library and the constants they take (include/linux/socket.h, uapi/linux/netlink.h).</summary>
internal static partial class LibC
{
    /// <summary><c>AF_NETLINK</c>.</summary>
    internal const int AF_NETLINK = 16;

    /// <summary><c>SOCK_RAW</c>.</summary>
    internal const int SOCK_RAW = 3;

    /// <summary><c>SOCK_CLOEXEC</c> (= O_CLOEXEC).</summary>
    internal const int SOCK_CLOEXEC = O_CLOEXEC;

    /// <summary><c>MSG_ERRQUEUE</c>: read the socket's error queue (zerocopy completions).</summary>
    internal const int MSG_ERRQUEUE = 0x2000;

    /// <summary><c>MSG_TRUNC</c>: with recv, returns the datagram's real length even when it does not fit.</summary>
    internal const int MSG_TRUNC = 0x20;

    /// <summary><c>MSG_PEEK</c>.</summary>
    internal const int MSG_PEEK = 0x2;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    internal static unsafe partial int Bind(SafeHandle fd, void* address, uint addressLength);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    internal static unsafe partial int GetSockName(SafeHandle fd, void* address, uint* addressLength);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int SetSockOpt(SafeHandle fd, int level, int name, void* value, uint valueLength);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    internal static unsafe partial nint SendMsg(SafeHandle fd, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    internal static unsafe partial nint RecvMsg(SafeHandle fd, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    internal static unsafe partial nint Send(SafeHandle fd, void* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    internal static unsafe partial nint Recv(SafeHandle fd, void* buffer, nuint length, int flags);
}
