namespace Devmem.Memory;

/// <summary>
/// Device memory emulated by page-aligned, zeroed native memory of this process: the default target of
/// the emulated NIC, and the backing of <see cref="HostPages"/>.
/// </summary>
/// <remarks>
/// Page alignment matters because frag offsets handed to applications are page arithmetic
/// (<c>net_iov_virtual_addr</c>); an unaligned base would make every chunk straddle two pages.
/// </remarks>
public sealed class HostDmaBuf : MappedDmaBuf
{
    /// <summary>Allocates <paramref name="size"/> zeroed bytes aligned to <see cref="Page.Size"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="size"/> is not a positive multiple of 4096.</exception>
    public HostDmaBuf(long size, string name = "host")
        : base(name, size, AlignedMemoryHandle.AllocateZeroed(Page.RequireWholePages(size), Page.Size))
    {
    }
}
