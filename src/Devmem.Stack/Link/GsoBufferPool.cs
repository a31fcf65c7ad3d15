using System.Diagnostics;

namespace Devmem.Stack.Link;

/// <summary>
/// The large buffers one direction of a memory link lends for GSO frames. A <see cref="FrameBatch"/> holds
/// frame-sized buffers; to build a GSO frame its sender swaps the slot's buffer for a large one here
/// (<see cref="TryExchangeForLarge"/>), the large buffer travels through the ring to the receiver's batch
/// without a copy, and the receiver's batch swaps it back once the frame is read
/// (<see cref="ExchangeForSmall"/>). So only frames in flight hold 64 KiB buffers, and every batch and ring
/// keeps as many buffers as it started with.
/// </summary>
/// <remarks>
/// Large buffers are allocated on first need, up to <see cref="Capacity"/>: after warm-up a flow allocates
/// nothing. When all are lent the sender segments in software instead (as Linux does when a device cannot
/// take a GSO skb). One lock serialises the sender's loop and the receiver's, once per 64 KiB frame.
/// </remarks>
public sealed class GsoBufferPool
{
    private readonly object _lock = new();
    private readonly Stack<byte[]> _large;
    private readonly Stack<byte[]> _small;
    private int _allocated;

    /// <param name="capacity">Large buffers at most.</param>
    /// <param name="smallLength">The frame-sized buffers' length: what the batches and rings of the link hold.</param>
    /// <param name="largeLength">The large buffers' length: the longest GSO frame.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the large buffers are not larger.</exception>
    public GsoBufferPool(int capacity, int smallLength, int largeLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(smallLength);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(largeLength, smallLength);
        Capacity = capacity;
        SmallLength = smallLength;
        LargeLength = largeLength;
        _large = new Stack<byte[]>(capacity);
        _small = new Stack<byte[]>(capacity);
    }

    /// <summary>Large buffers the pool may lend at once.</summary>
    public int Capacity { get; }

    /// <summary>Bytes in a frame-sized buffer.</summary>
    public int SmallLength { get; }

    /// <summary>Bytes in a large buffer: the longest GSO frame.</summary>
    public int LargeLength { get; }

    /// <summary>Large buffers allocated so far (they are kept: the count only grows, up to <see cref="Capacity"/>).</summary>
    public int Allocated => Volatile.Read(ref _allocated);

    /// <summary>Large buffers lent now (in a batch or a ring).</summary>
    public int Lent
    {
        get
        {
            lock (_lock)
            {
                return _small.Count;
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="small"/> (a frame-sized buffer) and lends a large buffer in its place; false, with
    /// <paramref name="large"/> null and <paramref name="small"/> kept by the caller, when all are lent.
    /// </summary>
    public bool TryExchangeForLarge(byte[] small, out byte[]? large)
    {
        ArgumentNullException.ThrowIfNull(small);
        Debug.Assert(small.Length == SmallLength);
        lock (_lock)
        {
            if (!_large.TryPop(out large))
            {
                if (_allocated == Capacity)
                {
                    return false;
                }

                _allocated++;
                large = GC.AllocateUninitializedArray<byte>(LargeLength);
            }

            _small.Push(small);
            return true;
        }
    }

    /// <summary>Takes a large buffer back and returns a frame-sized one in its place.</summary>
    /// <exception cref="ArgumentException">The buffer is not one of this pool's large buffers' length.</exception>
    public byte[] ExchangeForSmall(byte[] large)
    {
        ArgumentNullException.ThrowIfNull(large);
        if (large.Length != LargeLength)
        {
            throw new ArgumentException($"A {large.Length}-byte buffer is not one of this pool's {LargeLength}-byte buffers.", nameof(large));
        }

        lock (_lock)
        {
            // Every large buffer lent left a small one here, so one is waiting.
            byte[] small = _small.Pop();
            _large.Push(large);
            return small;
        }
    }
}
