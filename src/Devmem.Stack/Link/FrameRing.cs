using Devmem.Stack.Wire;
using Devmem.Threading;

namespace Devmem.Stack.Link;

/// <summary>
/// One direction's receive queue: a bounded ring of frames in preallocated buffers. When the ring is full the
/// new frame is dropped and counted (tail drop, as a TAP device's queue does when its reader falls behind); a
/// frame longer than a buffer is dropped and counted too. Writers and the reader may be on different threads;
/// the reader waits with <see cref="WaitForFramesAsync"/>, or is called back by the writer
/// (<see cref="TryArmCallback"/>), which saves an engine loop the thread-pool hop of an awaited completion.
/// </summary>
/// <remarks>
/// Frames move without a copy between the ring and a <see cref="FrameBatch"/> whose slots are as long as the
/// ring's buffers: <see cref="Write(FrameBatch)"/> takes the batch's buffer and leaves an empty one in its
/// place, <see cref="Read"/> gives the reader the buffer and takes the reader's empty one back. So a frame an
/// engine built is the frame the peer engine's NIC reads, as a NIC DMAs from the buffer the driver posted.
/// Spare buffers are kept on a stack, so the most recently read (warm in cache) is written next. Frames of
/// other sizes (a single span, a batch of another size) are copied. A frame keeps the virtio-net header it was
/// committed with, and a GSO frame in a large buffer (<see cref="GsoBufferPool"/>) moves like any other: only a
/// batch of this ring's slot length can hand one over.
/// </remarks>
public sealed class FrameRing : IFrameWriter
{
    private readonly object _lock = new();
    // The queued frames, oldest at _head, and their lengths; the buffers not queued wait on _spare.
    private readonly FrameSlot[] _frames;
    private readonly int[] _lengths;
    private readonly VirtioNetHeader[] _offloads;
    private readonly bool[] _hasOffload;
    private readonly FrameSlot[] _spare;
    private int _spareCount;
    private readonly SingleWaiterEvent _waiter;
    private Action? _callback;
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
        _frames = new FrameSlot[capacity];
        _lengths = new int[capacity];
        _offloads = new VirtioNetHeader[capacity];
        _hasOffload = new bool[capacity];
        _spare = new FrameSlot[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _spare[i].Buffer = new byte[maxFrameLength];
        }

        _spareCount = capacity;
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
        Action? callback;
        lock (_lock)
        {
            EnqueueLocked(frame);
            callback = SignalLocked();
        }

        callback?.Invoke();
    }

    /// <summary>
    /// Queues every frame of <paramref name="frames"/>, in order. A batch whose slots are as long as this ring's
    /// buffers gives its frames up without a copy: each queued frame's slot gets an empty buffer instead, so the
    /// batch's frames are not to be read afterwards (the caller clears it, as after any transmit).
    /// </summary>
    public void Write(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        bool exchange = frames.MaxFrameLength == MaxFrameLength;
        Action? callback;
        lock (_lock)
        {
            for (int i = 0; i < frames.Count; i++)
            {
                if (!exchange)
                {
                    EnqueueLocked(frames[i]);
                }
                else if (_count == Capacity)
                {
                    _tailDrops++;
                }
                else
                {
                    int length = frames[i].Length;
                    bool hasOffload = frames.TryGetOffload(i, out VirtioNetHeader offload);
                    EnqueueBufferLocked(frames.ExchangeFrame(i, _spare[--_spareCount].Buffer!), length, hasOffload, offload);
                }
            }
            callback = SignalLocked();
        }

        callback?.Invoke();
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
            bool exchange = frames.MaxFrameLength == MaxFrameLength;
            int moved = 0;
            while (_count > 0 && !frames.IsFull)
            {
                byte[] frame = _frames[_head].Buffer!;
                _frames[_head].Buffer = null;
                if (exchange)
                {
                    _spare[_spareCount++].Buffer = frames.AddFrame(frame, _lengths[_head], _hasOffload[_head], _offloads[_head]);
                    moved++;
                }
                else
                {
                    moved += CopyInto(frames, frame.AsSpan(0, _lengths[_head]), _hasOffload[_head], _offloads[_head]) ? 1 : 0;
                    _spare[_spareCount++].Buffer = frame;
                }

                _head = _head + 1 == Capacity ? 0 : _head + 1;
                _count--;
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

    /// <summary>
    /// Arms a one-shot <paramref name="onFrames"/>, called on the writer's thread (outside the ring's lock) once a
    /// frame waits; false when one already does (nothing will be called). One armed callback at a time, and not
    /// together with <see cref="WaitForFramesAsync"/>.
    /// </summary>
    public bool TryArmCallback(Action onFrames)
    {
        ArgumentNullException.ThrowIfNull(onFrames);
        lock (_lock)
        {
            if (_count > 0)
            {
                return false;
            }

            _callback = onFrames;
            return true;
        }
    }

    /// <summary>Withdraws an armed callback; false when there was none (it ran, or is running now).</summary>
    public bool DisarmCallback()
    {
        lock (_lock)
        {
            bool armed = _callback is not null;
            _callback = null;
            return armed;
        }
    }

    // Wakes the reader when frames wait: completes its wait, or hands back its callback for the writer to call
    // once the lock is released (the callback wakes another thread, which would only contend for this lock).
    private Action? SignalLocked()
    {
        if (_count == 0)
        {
            return null;
        }

        _waiter.SignalLocked();
        Action? callback = _callback;
        _callback = null;
        return callback;
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
        byte[] buffer = _spare[--_spareCount].Buffer!;
        frame.CopyTo(buffer);
        EnqueueBufferLocked(buffer, frame.Length, hasOffload: false, default);
    }

    // A batch of another slot length gets a copy; a GSO frame it has no room for is dropped as oversize.
    private bool CopyInto(FrameBatch frames, ReadOnlySpan<byte> frame, bool hasOffload, in VirtioNetHeader offload)
    {
        Span<byte> slot = frame.Length <= frames.MaxFrameLength ? frames.Reserve() : frames.ReserveGso(frame.Length);
        if (slot.IsEmpty)
        {
            _oversizeDrops++;
            return false;
        }

        frame.CopyTo(slot);
        if (hasOffload)
        {
            frames.Commit(frame.Length, offload);
        }
        else
        {
            frames.Commit(frame.Length);
        }

        return true;
    }

    // Queues a buffer holding a frame; the caller checked that there is room.
    private void EnqueueBufferLocked(byte[] buffer, int length, bool hasOffload, in VirtioNetHeader offload)
    {
        int tail = _head + _count;
        if (tail >= Capacity)
        {
            tail -= Capacity;
        }

        _frames[tail].Buffer = buffer;
        _lengths[tail] = length;
        _offloads[tail] = offload;
        _hasOffload[tail] = hasOffload;
        _count++;
        _enqueued++;
    }
}
