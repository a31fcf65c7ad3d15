namespace Devmem.Uapi;

/// <summary>
/// Linux errno values (asm-generic/errno-base.h, asm-generic/errno.h, include/linux/errno.h) as this
/// project reports them. The byte-level API returns them negated, as the kernel does; the typed API
/// throws <see cref="DevmemException"/> carrying one.
/// </summary>
public enum Errno
{
    /// <summary>No error.</summary>
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    EINTR = 4,
    EIO = 5,
    EBADF = 9,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    ENODEV = 19,
    EINVAL = 22,
    ENOSPC = 28,
    EPIPE = 32,
    ERANGE = 34,
    ENODATA = 61,
    EPROTO = 71,
    ENOTSOCK = 88,
    EMSGSIZE = 90,
    ENOPROTOOPT = 92,
    EPROTONOSUPPORT = 93,
    EOPNOTSUPP = 95,
    EADDRINUSE = 98,
    EADDRNOTAVAIL = 99,
    ENETUNREACH = 101,
    ECONNABORTED = 103,
    ECONNRESET = 104,
    ENOBUFS = 105,
    EISCONN = 106,
    ENOTCONN = 107,
    ESHUTDOWN = 108,
    ETIMEDOUT = 110,
    ECONNREFUSED = 111,
    EHOSTUNREACH = 113,
    EALREADY = 114,
    EINPROGRESS = 115,

    /// <summary>
    /// Kernel-internal "buffer or request is too small" (include/linux/errno.h), which devmem TCP lets
    /// escape to user space when the control buffer cannot hold the next cmsg.
    /// </summary>
    ETOOSMALL = 525,
}
