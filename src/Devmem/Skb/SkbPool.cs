namespace Devmem.Skb;

/// <summary>
/// A pool of <see cref="SkBuff"/> objects (Linux: the skbuff_head_cache slab). Renting after warm-up reuses
/// freed skbs, so the receive path allocates nothing per packet. Thread-safe: the NIC rents on its thread,
/// the application frees on its own.
/// </summary>
public sealed class SkbPool
{
    private readonly Lock _lock = new();
    private readonly SkBuff[] _free;
    private readonly int _linearCapacity;
    private int _freeCount;
    private long _created;
    private long _rented;

    /// <param name="capacity">How many freed skbs the pool keeps; more are left to the GC.</param>
    /// <param name="linearCapacity">Initial linear-buffer size of each skb (it grows on demand and keeps its size).</param>
    public SkbPool(int capacity = 4096, int linearCapacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(linearCapacity);
        _free = new SkBuff[capacity];
        _linearCapacity = linearCapacity;
    }

    /// <summary>skbs rented and not yet freed: 0 when nothing leaked.</summary>
    public long InUse => Interlocked.Read(ref _rented);

    /// <summary>skb objects ever created (flat in steady state).</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <summary>An empty skb.</summary>
    public SkBuff Rent()
    {
        SkBuff? skb = null;
        lock (_lock)
        {
            if (_freeCount > 0)
            {
                skb = _free[--_freeCount];
                _free[_freeCount] = null!;
            }
        }

        if (skb is null)
        {
            skb = new SkBuff(this, _linearCapacity);
            Interlocked.Increment(ref _created);
        }

        skb.InUse = true;
        Interlocked.Increment(ref _rented);
        return skb;
    }

    internal void Return(SkBuff skb)
    {
        skb.InUse = false;
        Interlocked.Decrement(ref _rented);
        lock (_lock)
        {
            if (_freeCount < _free.Length)
            {
                _free[_freeCount++] = skb;
            }
        }
    }
}
