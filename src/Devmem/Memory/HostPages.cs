using System.Diagnostics.CodeAnalysis;

namespace Devmem.Memory;

/// <summary>
/// Ordinary readable pages for RX queues with no dma-buf bound: the memory provider behind a page pool's
/// default behaviour, where Linux takes pages from the page allocator. Its chunks are not device memory,
/// so skbs built on them stay readable and their payload is copied to applications as in any recv.
/// </summary>
/// <remarks>
/// Unlike a binding, the area owns its memory (a <see cref="HostDmaBuf"/>, as the kernel owns its pages)
/// and frees it when released.
/// </remarks>
public sealed class HostPages : NetIovArea, IMemoryProvider
{
    /// <summary>Allocates <paramref name="pageCount"/> zeroed pages.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageCount"/> is not positive.</exception>
    public HostPages(int pageCount, string name = "host-pages")
        : base(new HostDmaBuf((long)CheckPageCount(pageCount) << Page.Shift, name), isDeviceMemory: false)
    {
        StartLeakTracking();
    }

    /// <summary>Takes a free page for a page pool.</summary>
    public bool TryAllocate([MaybeNullWhen(false)] out NetIov netIov) => TryAllocateChunk(out netIov);

    /// <summary>Returns a page to the free pool.</summary>
    public void Release(NetIov netIov) => FreeChunk(netIov);

    /// <inheritdoc/>
    public override string ToString() => $"host pages '{DmaBuf.Name}'";

    private protected override void OnReleased() => DmaBuf.Dispose();

    private static int CheckPageCount(int pageCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageCount);
        return pageCount;
    }
}
