namespace Devmem.Memory;

/// <summary>
/// A page pool's recycle ring (Linux <c>pool-&gt;ring</c>, a <c>ptr_ring</c>): chunks coming back from any
/// thread wait here until the pool's owner refills its alloc cache from them in bulk.
/// </summary>
/// <remarks>
/// Fixed capacity, preallocated, one lock (ptr_ring is spinlock-protected too). Producers are every thread
/// that drops a last reference, including application threads returning tokens; the consumer takes a batch
/// per lock. Closing happens under the same lock, so once <see cref="Close"/> returns no producer can slip a
/// chunk in behind the pool's final drain.
/// </remarks>
internal sealed class RecycleRing
{
    private readonly NetIov[] _slots;
    private readonly Lock _lock = new();
    private int _head;
    private int _count;
    private bool _closed;

    public RecycleRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _slots = new NetIov[capacity];
    }

    /// <summary>Chunks waiting in the ring.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds a chunk, or returns false when the ring is full or closed.</summary>
    public bool TryProduce(NetIov netIov)
    {
        lock (_lock)
        {
            if (_closed || _count == _slots.Length)
            {
                return false;
            }

            int tail = _head + _count;
            if (tail >= _slots.Length)
            {
                tail -= _slots.Length;
            }

            _slots[tail] = netIov;
            _count++;
            return true;
        }
    }

    /// <summary>Moves up to <c>destination.Length</c> chunks out, oldest first; returns how many.</summary>
    public int ConsumeBatch(Span<NetIov> destination)
    {
        lock (_lock)
        {
            int taken = Math.Min(_count, destination.Length);
            for (int i = 0; i < taken; i++)
            {
                destination[i] = _slots[_head];
                if (++_head == _slots.Length)
                {
                    _head = 0;
                }
            }

            _count -= taken;
            return taken;
        }
    }

    /// <summary>Refuses every later <see cref="TryProduce"/>; what is inside stays for the final drain.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }
    }
}
