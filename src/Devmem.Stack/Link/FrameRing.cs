using Devmem.Threading;

namespace Devmem.Stack.Link;

/// <summary>
/// One direction's receive queue: a bounded ring of preallocated fixed-size slots into which each
/// frame is copied once. When the ring is full the new frame is dropped and counted (tail drop, as a
/// TAP device's queue does when its reader falls behind); a frame longer than a slot is dropped and
/// counted too. Writers and the reader may be on different threads; the reader waits with
/// <see cref="WaitForFramesAsync"/>.
/// </summary>
public sealed class FrameRing : IFrameWriter
{
    private readonly object _lock = new();
    private readonly byte[] _slots;
    private readonly int[] _lengths;
    private readonly SingleWaiterEvent _waiter;
    private int _head;
    private int _count;
    private long _enqueued;
    private long _dequeued;
    private long _tailDrops;
    private long _oversizeDrops;

    /// <param name="capacity">Frames the ring holds.</param>
    /// <param name="maxFrameLength">Bytes per slot: the longest frame accepted.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public FrameRing(int capacity, int maxFrameLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameLength);
        _slots = new byte[checked(capacity * maxFrameLength)];
        _lengths = new int[capacity];
        MaxFrameLength = maxFrameLength;
        _waiter = new SingleWaiterEvent(_lock);
    }

    /// <summary>Frames the ring holds.</summary>
    public int Capacity => _lengths.Length;

    /// <inheritdoc/>
    public int MaxFrameLength { get; }

    /// <summary>Frames waiting now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Frames queued since creation.</summary>
    public long Enqueued => Volatile.Read(ref _enqueued);

    /// <summary>Frames handed to the reader since creation.</summary>
    public long Dequeued => Volatile.Read(ref _dequeued);

    /// <summary>Frames dropped because the ring was full.</summary>
    public long TailDrops => Volatile.Read(ref _tailDrops);

    /// <summary>Frames dropped because they were longer than <see cref="MaxFrameLength"/>.</summary>
    public long OversizeDrops => Volatile.Read(ref _oversizeDrops);

    /// <inheritdoc/>
    public void Write(ReadOnlySpan<byte> frame)
    {
        lock (_lock)
        {
            EnqueueLocked(frame);
            _waiter.SignalLocked();
        }
    }

    /// <inheritdoc/>
    public void Write(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        lock (_lock)
        {
            for (int i = 0; i < frames.Count; i++)
            {
                EnqueueLocked(frames[i]);
            }
            _waiter.SignalLocked();
        }
    }

    /// <summary>
    /// Moves waiting frames, oldest first, into the free slots of <paramref name="frames"/>; returns
    /// how many were moved.
    /// </summary>
    /// <exception cref="ArgumentException">The batch's slots are shorter than this ring's.</exception>
    public int Read(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.MaxFrameLength < MaxFrameLength)
        {
            throw new ArgumentException(
                $"The batch's {frames.MaxFrameLength}-byte slots cannot hold this queue's {MaxFrameLength}-byte frames.", nameof(frames));
        }
        lock (_lock)
        {
            int moved = 0;
            while (_count > 0 && !frames.IsFull)
            {
                frames.TryAdd(_slots.AsSpan(_head * MaxFrameLength, _lengths[_head]));
                _head = _head + 1 == Capacity ? 0 : _head + 1;
                _count--;
                moved++;
            }
            _dequeued += moved;
            return moved;
        }
    }

    /// <summary>Completes when a frame is waiting (at once if one is). One waiter at a time.</summary>
    public ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return _waiter.WaitLocked(_count > 0, cancellationToken);
        }
    }

    private void EnqueueLocked(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > MaxFrameLength)
        {
            _oversizeDrops++;
            return;
        }
        if (_count == Capacity)
        {
            _tailDrops++;
            return;
        }
        int tail = _head + _count;
        if (tail >= Capacity)
        {
            tail -= Capacity;
        }
        frame.CopyTo(_slots.AsSpan(tail * MaxFrameLength));
        _lengths[tail] = frame.Length;
        _count++;
        _enqueued++;
    }
}
