namespace Devmem.Uapi;

/// <summary>
/// The one exception the typed API throws: an errno, as Linux would return it for the same misuse,
/// and a message that says what happened and what to do about it.
/// </summary>
public sealed class DevmemException : Exception
{
    public DevmemException(Errno errno, string message)
        : base($"{errno.Name()} ({errno.Describe()}): {message}")
    {
        Errno = errno;
    }

    public DevmemException(Errno errno, string message, Exception innerException)
        : base($"{errno.Name()} ({errno.Describe()}): {message}", innerException)
    {
        Errno = errno;
    }

    public DevmemException()
        : this(Errno.EIO, "unspecified failure")
    {
    }

    public DevmemException(string message)
        : this(Errno.EIO, message)
    {
    }

    public DevmemException(string message, Exception innerException)
        : this(Errno.EIO, message, innerException)
    {
    }

    /// <summary>The Linux errno this failure corresponds to.</summary>
    public Errno Errno { get; }

    /// <summary>Throws when a byte-level result is a negated errno; returns it unchanged otherwise.</summary>
    public static int ThrowIfError(int result, string whatToDo)
    {
        if (result < 0)
        {
            throw new DevmemException((Errno)(-result), whatToDo);
        }

        return result;
    }
}
