namespace Devmem.Uapi;

/// <summary>Human-readable descriptions of <see cref="Errno"/> values, as strerror(3) gives them.</summary>
public static class ErrnoExtensions
{
    /// <summary>The symbolic name, e.g. <c>EINVAL</c>; the number for values this enum does not name.</summary>
    public static string Name(this Errno errno) =>
        Enum.IsDefined(errno) ? errno.ToString() : ((int)errno).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The text strerror(3) prints for the value (glibc wording; ETOOSMALL has none there).</summary>
    public static string Describe(this Errno errno) => errno switch
    {
        Errno.None => "Success",
        Errno.EPERM => "Operation not permitted",
        Errno.ENOENT => "No such file or directory",
        Errno.EINTR => "Interrupted system call",
        Errno.EIO => "Input/output error",
        Errno.EBADF => "Bad file descriptor",
        Errno.EAGAIN => "Resource temporarily unavailable",
        Errno.ENOMEM => "Cannot allocate memory",
        Errno.EACCES => "Permission denied",
        Errno.EFAULT => "Bad address",
        Errno.EBUSY => "Device or resource busy",
        Errno.EEXIST => "File exists",
        Errno.ENODEV => "No such device",
        Errno.EINVAL => "Invalid argument",
        Errno.ENOSPC => "No space left on device",
        Errno.EPIPE => "Broken pipe",
        Errno.ERANGE => "Numerical result out of range",
        Errno.ENODATA => "No data available",
        Errno.EPROTO => "Protocol error",
        Errno.ENOTSOCK => "Socket operation on non-socket",
        Errno.EMSGSIZE => "Message too long",
        Errno.ENOPROTOOPT => "Protocol not available",
        Errno.EPROTONOSUPPORT => "Protocol not supported",
        Errno.EOPNOTSUPP => "Operation not supported",
        Errno.EADDRINUSE => "Address already in use",
        Errno.EADDRNOTAVAIL => "Cannot assign requested address",
        Errno.ENETUNREACH => "Network is unreachable",
        Errno.ECONNABORTED => "Software caused connection abort",
        Errno.ECONNRESET => "Connection reset by peer",
        Errno.ENOBUFS => "No buffer space available",
        Errno.EISCONN => "Transport endpoint is already connected",
        Errno.ENOTCONN => "Transport endpoint is not connected",
        Errno.ESHUTDOWN => "Cannot send after transport endpoint shutdown",
        Errno.ETIMEDOUT => "Connection timed out",
        Errno.ECONNREFUSED => "Connection refused",
        Errno.EHOSTUNREACH => "No route to host",
        Errno.EALREADY => "Operation already in progress",
        Errno.EINPROGRESS => "Operation now in progress",
        Errno.ETOOSMALL => "Buffer or request is too small",
        _ => "Unknown error " + ((int)errno).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
