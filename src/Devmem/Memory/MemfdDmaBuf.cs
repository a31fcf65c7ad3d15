using Microsoft.Win32.SafeHandles;

namespace Devmem.Memory;

/// <summary>
/// A dma-buf stand-in that another process can map: an anonymous shared-memory file (<c>memfd</c>)
/// mapped <c>MAP_SHARED</c>. Send <see cref="Fd"/> over a Unix socket (SCM_RIGHTS) and the peer maps the
/// same pages with <see cref="Open"/>; it is also what <c>udmabuf</c> turns into a real dma-buf.
/// </summary>
/// <remarks>
/// The file is sealed with <c>F_SEAL_SHRINK</c> once sized. A mapping of a file that later shrinks turns
/// every access past the new end into SIGBUS, which would kill this process; <c>udmabuf</c> refuses memfds
/// without that seal for the same reason (drivers/dma-buf/udmabuf.c: <c>SEALS_WANTED</c>), and
/// <see cref="Open"/> refuses them too.
/// </remarks>
public sealed class MemfdDmaBuf : MappedDmaBuf
{
    /// <summary>Creates a sealed memfd of <paramref name="size"/> bytes and maps it.</summary>
    /// <exception cref="ArgumentException"><paramref name="size"/> is not a positive multiple of 4096.</exception>
    /// <exception cref="Uapi.DevmemException">A system call failed; its errno is in the exception.</exception>
    public MemfdDmaBuf(long size, string name = "devmem-memfd")
        : this(name, size, CreateAndMap(name, Page.RequireWholePages(size)))
    {
    }

    private MemfdDmaBuf(string name, long size, (SafeFileHandle Fd, MemoryMappingHandle Mapping) resources)
        : base(name, size, resources.Mapping)
    {
        Fd = resources.Fd;
    }

    /// <summary>
    /// The memfd, for handing to another process or to bind-rx. It belongs to this object: do not dispose
    /// it; it closes when the memory is freed.
    /// </summary>
    public SafeFileHandle Fd { get; }

    /// <summary>
    /// Maps the first <paramref name="size"/> bytes of an existing memfd, for instance one received from
    /// another process. The descriptor is duplicated (as <c>dma_buf_get()</c> takes its own file
    /// reference), so the caller keeps and closes its own.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="size"/> is not a positive multiple of 4096, exceeds the file, or the file is not
    /// sealed against shrinking.
    /// </exception>
    /// <exception cref="Uapi.DevmemException">A system call failed; its errno is in the exception.</exception>
    public static MemfdDmaBuf Open(SafeFileHandle fd, long size, string name = "devmem-memfd")
    {
        ArgumentNullException.ThrowIfNull(fd);
        Page.RequireWholePages(size);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if ((MemfdSyscalls.GetSeals(fd) & MemfdSyscalls.F_SEAL_SHRINK) == 0)
        {
            throw new ArgumentException(
                "the memfd is not sealed with F_SEAL_SHRINK: its owner could shrink it under the mapping " +
                "(SIGBUS on access); seal it with fcntl(F_ADD_SEALS, F_SEAL_SHRINK) before sharing it.",
                nameof(fd));
        }

        long fileSize = RandomAccess.GetLength(fd);
        if (size > fileSize)
        {
            throw new ArgumentException(
                $"cannot map {size} bytes of a memfd that holds {fileSize} bytes.", nameof(size));
        }

        SafeFileHandle own = MemfdSyscalls.Duplicate(fd);
        try
        {
            return new MemfdDmaBuf(name, size, (own, MemfdSyscalls.MapShared(own, size)));
        }
        catch
        {
            own.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override void FreeMemory()
    {
        base.FreeMemory();
        Fd.Dispose();
    }

    private static (SafeFileHandle Fd, MemoryMappingHandle Mapping) CreateAndMap(string name, long size)
    {
        SafeFileHandle fd = MemfdSyscalls.CreateMemfd(name);
        try
        {
            MemfdSyscalls.Truncate(fd, size);
            MemfdSyscalls.AddSeals(fd, MemfdSyscalls.F_SEAL_SHRINK);
            return (fd, MemfdSyscalls.MapShared(fd, size));
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }
}
