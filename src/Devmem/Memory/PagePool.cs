using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Devmem.Memory;

/// <summary>
/// The per-RX-queue buffer cache (Linux <c>struct page_pool</c>) over a memory provider: host pages, or
/// the chunks of a dma-buf binding when the queue is bound.
/// </summary>
/// <remarks>
/// <para>
/// Allocation follows <c>page_pool_alloc_netmems()</c>: first the alloc cache, a plain array only the
/// queue's owner touches (Linux: NAPI context), so the fast path takes no lock; when it is empty, a batch
/// of <see cref="AllocCacheRefill"/> from the recycle ring; when that is empty too, one chunk from the
/// provider (<c>mp_ops-&gt;alloc_netmems</c> gives one per call). When all three are dry the allocation fails
/// and is counted in <see cref="AllocFailures"/>: the NIC drops the packet, as hardware with an empty ring does.
/// </para>
/// <para>
/// <see cref="TryAllocate"/> and <see cref="Dispose()"/> belong to the queue's owner and never run
/// concurrently (Linux destroys a pool after its NAPI is disabled). A chunk comes back when its last
/// reference drops (<see cref="NetIov.Put"/>), on any thread: it goes into the recycle ring, or, when the
/// ring is full, back to the provider (Linux <c>page_pool_recycle_in_ring()</c> failing into
/// <c>page_pool_return_page()</c>).
/// </para>
/// <para>
/// Disposing is <c>page_pool_destroy()</c>, which the queue restart performs: cached chunks go back to the
/// provider at once; chunks in flight go back one by one as their last reference drops; the pool is
/// released (<see cref="IsReleased"/>) when it holds none.
/// </para>
/// </remarks>
public sealed class PagePool : IDisposable, ILeakTracked
{
    /// <summary>Capacity of the lock-free alloc cache (Linux <c>PP_ALLOC_CACHE_SIZE</c>).</summary>
    public const int AllocCacheSize = 128;

    /// <summary>Chunks moved from the recycle ring per refill (Linux <c>PP_ALLOC_CACHE_REFILL</c>).</summary>
    public const int AllocCacheRefill = 64;

    /// <summary>Recycle ring capacity when none is given, a typical RX ring size.</summary>
    public const int DefaultRingSize = 1024;

    private static readonly CyclicIdTable<PagePool> Pools = new(1, uint.MaxValue);

    private readonly NetIov[] _cache = new NetIov[AllocCacheSize];
    private readonly RecycleRing _ring;
    private readonly MemoryLeakScope? _leakScope;
    private int _cacheCount;
    private int _inFlight;
    private int _held;
    private long _allocated;
    private long _allocFailures;
    private long _releasedToProvider;
    private volatile bool _destroyed;
    private int _released;

    /// <summary>Creates a pool over <paramref name="provider"/>; it takes nothing until the first allocation.</summary>
    public PagePool(IMemoryProvider provider, int ringSize = DefaultRingSize, string name = "page-pool")
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Provider = provider;
        Name = name;
        _ring = new RecycleRing(ringSize);
        Id = Pools.Add(this);
        _leakScope = MemoryLeakScope.Track(this);
    }

    /// <summary>The global page pool id (netlink <c>page-pool-get</c> <c>id</c>), at least 1, assigned cyclically.</summary>
    public uint Id { get; }

    /// <summary>A name for diagnostics, such as the queue it serves.</summary>
    public string Name { get; }

    /// <summary>Where the chunks come from.</summary>
    public IMemoryProvider Provider { get; }

    /// <summary>Allocations ever satisfied.</summary>
    public long Allocated => Interlocked.Read(ref _allocated);

    /// <summary>Chunks handed out and not yet recycled.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Bytes of the chunks in flight.</summary>
    public long InFlightBytes => (long)InFlight << Page.Shift;

    /// <summary>Chunks waiting for reuse, in the alloc cache or the recycle ring.</summary>
    public int Cached => Volatile.Read(ref _cacheCount) + _ring.Count;

    /// <summary>
    /// Chunks taken from the provider and not yet released: <see cref="InFlight"/> plus <see cref="Cached"/>.
    /// This is Linux's <c>page_pool_inflight()</c>, which netdev <c>page-pool-get</c> reports as <c>inflight</c>.
    /// </summary>
    public int ChunksHeld => Volatile.Read(ref _held);

    /// <summary>Allocations that found no chunk anywhere.</summary>
    public long AllocFailures => Interlocked.Read(ref _allocFailures);

    /// <summary>Chunks handed out that came back: every allocation is in flight or recycled.</summary>
    public long Recycled => Allocated - InFlight;

    /// <summary>
    /// Chunks given back to the provider: recycled into a full ring, or the pool destroyed.
    /// </summary>
    public long ReleasedToProvider => Interlocked.Read(ref _releasedToProvider);

    /// <summary>Whether the pool was destroyed (the queue restarted); it may still wait for chunks in flight.</summary>
    public bool IsDestroyed => _destroyed;

    /// <summary>Whether the pool was destroyed and holds no chunk any more.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Finds a pool by id, destroyed or not, until it is released (Linux <c>page_pool_get</c> over netlink).</summary>
    public static bool TryGet(uint id, [MaybeNullWhen(false)] out PagePool pool) => Pools.TryGet(id, out pool);

    /// <summary>
    /// Hands out a chunk carrying one reference for the caller (pass it to the skb frag, or
    /// <see cref="NetIov.Put"/> it), or returns false and counts the failure when none is left.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The pool was destroyed.</exception>
    public bool TryAllocate([MaybeNullWhen(false)] out NetIov netIov)
    {
        ObjectDisposedException.ThrowIf(_destroyed, this);
        if (_cacheCount == 0 && !Refill())
        {
            _allocFailures++;
            netIov = null;
            return false;
        }

        netIov = _cache[--_cacheCount];
        netIov.HandOut();
        Interlocked.Increment(ref _inFlight);
        _allocated++;
        return true;
    }

    /// <summary>
    /// Takes back a chunk whose last reference <see cref="NetIov.Put"/> just dropped (Linux
    /// <c>page_pool_put_netmem()</c> outside NAPI context). Any thread.
    /// </summary>
    internal void Recycle(NetIov netIov)
    {
        netIov.TakeBack();
        Interlocked.Decrement(ref _inFlight);

        // A closed ring means the pool was destroyed: the chunk goes straight back to the provider.
        if (!_ring.TryProduce(netIov))
        {
            ReleaseToProvider(netIov);
        }
    }

    /// <summary>
    /// Destroys the pool (Linux <c>page_pool_destroy()</c>): cached chunks go back to the provider now,
    /// chunks in flight as they return.
    /// </summary>
    public void Dispose()
    {
        if (_destroyed)
        {
            return;
        }

        _destroyed = true;
        _ring.Close();

        // Linux page_pool_empty_alloc_cache_once() and page_pool_empty_ring().
        while (_cacheCount > 0)
        {
            ReleaseToProvider(_cache[--_cacheCount]);
        }

        int drained;
        while ((drained = _ring.ConsumeBatch(_cache)) > 0)
        {
            for (int i = 0; i < drained; i++)
            {
                ReleaseToProvider(_cache[i]);
            }
        }

        if (ChunksHeld == 0)
        {
            ReleaseOnce();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"page pool {Id} '{Name}'";

    void ILeakTracked.DescribeLeaks(StringBuilder report)
    {
        int inFlight = InFlight;
        int cached = Cached;
        int held = ChunksHeld;
        if (inFlight != 0)
        {
            report.Append("  ").Append(this).Append(" over ").Append(Provider)
                .Append(IsDestroyed ? " (destroyed)" : string.Empty)
                .Append(": ").Append(inFlight).Append(" chunk(s) in flight (").Append(InFlightBytes)
                .Append(" bytes) never recycled").AppendLine();
        }

        if (held != inFlight + cached)
        {
            report.Append("  ").Append(this).Append(": accounting mismatch: holds ").Append(held)
                .Append(" chunk(s) from its provider but ").Append(inFlight).Append(" are in flight and ")
                .Append(cached).Append(" cached").AppendLine();
        }
    }

    private bool Refill()
    {
        int refilled = _ring.ConsumeBatch(_cache.AsSpan(0, AllocCacheRefill));
        if (refilled > 0)
        {
            _cacheCount = refilled;
            return true;
        }

        if (!Provider.TryAllocate(out NetIov? netIov))
        {
            return false;
        }

        netIov.AttachTo(this);
        Interlocked.Increment(ref _held);
        _cache[0] = netIov;
        _cacheCount = 1;
        return true;
    }

    private void ReleaseToProvider(NetIov netIov)
    {
        netIov.DetachFrom(this);
        Provider.Release(netIov);
        Interlocked.Increment(ref _releasedToProvider);

        // Dispose sets the flag, then closes the ring under its lock (a full fence), then reads the
        // count; here the interlocked decrement fences before the flag is read. So whichever of the
        // two comes second sees both the flag and the final count, and the pool is released once.
        if (Interlocked.Decrement(ref _held) == 0 && _destroyed)
        {
            ReleaseOnce();
        }
    }

    private void ReleaseOnce()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Pools.Remove(Id);
            MemoryLeakScope.Untrack(this, _leakScope);
        }
    }
}
