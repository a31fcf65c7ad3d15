using System.Runtime.CompilerServices;

namespace Devmem.Memory;

/// <summary>
/// The page: the unit in which device memory is carved and recycled.
/// </summary>
/// <remarks>
/// Linux devmem chunks are <c>PAGE_SIZE</c> pieces of the dma-buf (net/core/devmem.c allocates
/// <c>gen_pool_alloc_owner(binding->chunk_pool, PAGE_SIZE, ...)</c>), and the uAPI's frag offsets are
/// computed from <c>net_iov_virtual_addr = owner base + index * PAGE_SIZE</c>. This project fixes the
/// page at 4 KiB, the size on x86-64 and on 4K-page arm64 kernels, so descriptors are identical to what
/// such a kernel hands out.
/// </remarks>
public static class Page
{
    /// <summary>Bytes in one page (<c>PAGE_SIZE</c>).</summary>
    public const int Size = 4096;

    /// <summary><c>PAGE_SHIFT</c>: <c>1 &lt;&lt; Shift == Size</c>.</summary>
    public const int Shift = 12;

    /// <summary>Returns <paramref name="size"/> if it is a positive whole number of pages.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static long RequireWholePages(long size, [CallerArgumentExpression(nameof(size))] string? paramName = null) =>
        size > 0 && (size & (Size - 1)) == 0
            ? size
            : throw new ArgumentException(
                $"size must be a positive multiple of {Size} (PAGE_SIZE), got {size}.", paramName);
}
