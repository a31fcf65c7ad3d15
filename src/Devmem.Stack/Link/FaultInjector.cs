using Devmem.Stack.Wire;

namespace Devmem.Stack.Link;

/// <summary>
/// Impairs one direction of a link, as Linux netem does on a qdisc: placed in front of an
/// <see cref="IFrameWriter"/> (the peer's receive queue), it drops, duplicates, corrupts, reorders,
/// delays and rate-limits frames per <see cref="FaultInjectorOptions"/>, and counts each fault.
/// </summary>
/// <remarks>
/// <para>Each frame meets the faults in a fixed order, drawing from one seeded <see cref="Random"/> only
/// for the faults that are enabled: loss, then duplication, then corruption, then for each copy
/// reordering or else shaping and latency. The same seed, frames and clock therefore give the same
/// result.</para>
/// <para>Time comes from a <see cref="TimeProvider"/>: held frames are released by one of its timers, so a
/// test with a manual clock moves frames by advancing the clock. Held frames live in a
/// <see cref="FrameBufferPool"/> of <see cref="FaultInjectorOptions.HoldCapacity"/> buffers: nothing is
/// allocated per frame.</para>
/// <para>Thread-safe: writers and the timer are serialised by one lock; the downstream writer is called
/// under it.</para>
/// </remarks>
public sealed class FaultInjector : IFrameWriter, IDisposable
{
    private readonly object _lock = new();
    private readonly IFrameWriter _downstream;
    private readonly FaultInjectorOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly FrameBufferPool _held;
    private readonly ReleaseSchedule _schedule;
    private readonly TokenBucket? _bucket;
    private readonly byte[] _scratch;
    private readonly ITimer _timer;
    private readonly long _latencyTicks;
    private readonly long _jitterTicks;
    private readonly long _reorderTimeoutTicks;

    // Frames held back for reordering, oldest first: buffer, later frames still to overtake, deadline.
    private readonly int[] _reorderBuffers;
    private readonly int[] _reorderRemaining;
    private readonly long[] _reorderDeadlines;
    private int _reorderCount;

    // The timestamp the timer is set for (long.MaxValue: not set), to skip needless re-arming.
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    private long _frames;
    private long _delivered;
    private long _lost;
    private long _duplicated;
    private long _corrupted;
    private long _reordered;
    private long _delayed;
    private long _rateLimited;
    private long _overflowed;

    /// <param name="downstream">Where surviving frames go.</param>
    /// <param name="options">The faults.</param>
    /// <param name="timeProvider">The clock for latency, shaping and reorder timeouts; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public FaultInjector(IFrameWriter downstream, FaultInjectorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(downstream);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _downstream = downstream;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _random = new Random(options.Seed);
        int frameLength = downstream.MaxFrameLength;
        _held = new FrameBufferPool(options.HoldCapacity, frameLength);
        _schedule = new ReleaseSchedule(options.HoldCapacity);
        _reorderBuffers = new int[options.HoldCapacity];
        _reorderRemaining = new int[options.HoldCapacity];
        _reorderDeadlines = new long[options.HoldCapacity];
        _scratch = new byte[frameLength];
        _latencyTicks = ToTicks(options.Latency);
        _jitterTicks = ToTicks(options.Jitter);
        _reorderTimeoutTicks = ToTicks(options.ReorderTimeout);
        if (options.RateBitsPerSecond > 0)
        {
            int depth = options.RateBurstBytes > 0 ? options.RateBurstBytes : frameLength;
            _bucket = new TokenBucket(options.RateBitsPerSecond, depth, _time.TimestampFrequency, _time.GetTimestamp());
        }
        _timer = _time.CreateTimer(static state => ((FaultInjector)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc/>
    public int MaxFrameLength => _downstream.MaxFrameLength;

    /// <summary>The faults applied.</summary>
    public FaultInjectorOptions Options => _options;

    /// <summary>Frames written to the injector.</summary>
    public long Frames => Volatile.Read(ref _frames);

    /// <summary>Frames passed downstream (duplicates included).</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Frames dropped by <see cref="FaultInjectorOptions.LossRate"/>.</summary>
    public long Lost => Volatile.Read(ref _lost);

    /// <summary>Extra copies sent by <see cref="FaultInjectorOptions.DuplicateRate"/>.</summary>
    public long Duplicated => Volatile.Read(ref _duplicated);

    /// <summary>Frames with a bit flipped by <see cref="FaultInjectorOptions.CorruptRate"/>.</summary>
    public long Corrupted => Volatile.Read(ref _corrupted);

    /// <summary>Frames held back for reordering.</summary>
    public long Reordered => Volatile.Read(ref _reordered);

    /// <summary>Frames given a positive latency.</summary>
    public long Delayed => Volatile.Read(ref _delayed);

    /// <summary>Frames the rate limit made wait.</summary>
    public long RateLimited => Volatile.Read(ref _rateLimited);

    /// <summary>Frames dropped because <see cref="FaultInjectorOptions.HoldCapacity"/> frames were already held.</summary>
    public long Overflowed => Volatile.Read(ref _overflowed);

    /// <summary>Frames held now (delayed, shaped or held back for reordering).</summary>
    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _schedule.Count + _reorderCount;
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The injector is disposed.</exception>
    public void Write(ReadOnlySpan<byte> frame)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long now = _time.GetTimestamp();
            ReleaseDueLocked(now);
            AdmitLocked(frame, now);
            ArmTimerLocked(now);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The injector is disposed.</exception>
    public void Write(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long now = _time.GetTimestamp();
            ReleaseDueLocked(now);
            for (int i = 0; i < frames.Count; i++)
            {
                AdmitLocked(frames[i], now);
            }
            ArmTimerLocked(now);
        }
    }

    /// <summary>Stops the timer; frames still held are discarded.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _timer.Dispose();
    }

    private void AdmitLocked(ReadOnlySpan<byte> frame, long now)
    {
        _frames++;
        if (frame.Length > MaxFrameLength)
        {
            // Too long for any buffer here: pass it on, where the queue drops and counts it as oversized.
            _downstream.Write(frame);
            return;
        }
        if (Chance(_options.LossRate))
        {
            _lost++;
            return;
        }
        bool duplicate = Chance(_options.DuplicateRate);
        if (Chance(_options.CorruptRate) && TryCorrupt(frame, out int length))
        {
            _corrupted++;
            frame = _scratch.AsSpan(0, length);
        }
        PassLocked(frame, now);
        if (duplicate)
        {
            _duplicated++;
            PassLocked(frame, now);
        }
    }

    // Copies the frame into the scratch buffer and flips one random bit past the Ethernet header.
    private bool TryCorrupt(ReadOnlySpan<byte> frame, out int length)
    {
        length = frame.Length;
        int header = EthernetView.Check(frame) == WireParseError.None ? new EthernetView(frame).Length : frame.Length;
        if (header >= frame.Length)
        {
            return false;
        }
        frame.CopyTo(_scratch);
        _scratch[_random.Next(header, frame.Length)] ^= (byte)(1 << _random.Next(8));
        return true;
    }

    private void PassLocked(ReadOnlySpan<byte> frame, long now)
    {
        if (Chance(_options.ReorderRate) && TryHoldForReorder(frame, now))
        {
            _reordered++;
            return;
        }
        long releaseAt = now;
        if (_bucket is not null)
        {
            releaseAt = _bucket.Depart(frame.Length, now);
            if (releaseAt > now)
            {
                _rateLimited++;
            }
        }
        if (_latencyTicks > 0 || _jitterTicks > 0)
        {
            long jitter = _jitterTicks > 0 ? (long)Math.Round(((_random.NextDouble() * 2) - 1) * _jitterTicks) : 0;
            long delay = Math.Max(0, _latencyTicks + jitter);
            if (delay > 0)
            {
                _delayed++;
                releaseAt += delay;
            }
        }
        if (releaseAt <= now)
        {
            DeliverLocked(frame);
            return;
        }
        if (!_held.TryRent(out int buffer))
        {
            _overflowed++;
            _bucket?.Refund(frame.Length);
            return;
        }
        frame.CopyTo(_held.GetBuffer(buffer));
        _held.SetFrameLength(buffer, frame.Length);
        _schedule.Add(releaseAt, buffer);
    }

    private bool TryHoldForReorder(ReadOnlySpan<byte> frame, long now)
    {
        if (!_held.TryRent(out int buffer))
        {
            return false;
        }
        frame.CopyTo(_held.GetBuffer(buffer));
        _held.SetFrameLength(buffer, frame.Length);
        _reorderBuffers[_reorderCount] = buffer;
        _reorderRemaining[_reorderCount] = _options.ReorderDistance;
        _reorderDeadlines[_reorderCount] = now + _reorderTimeoutTicks;
        _reorderCount++;
        return true;
    }

    // Sends a frame on, then lets each frame held back for reordering count it as one that overtook.
    private void DeliverLocked(ReadOnlySpan<byte> frame)
    {
        _downstream.Write(frame);
        _delivered++;
        for (int i = 0; i < _reorderCount;)
        {
            if (--_reorderRemaining[i] == 0)
            {
                ReleaseReorderedLocked(i);
            }
            else
            {
                i++;
            }
        }
    }

    private void ReleaseReorderedLocked(int index)
    {
        int buffer = _reorderBuffers[index];
        _reorderCount--;
        Array.Copy(_reorderBuffers, index + 1, _reorderBuffers, index, _reorderCount - index);
        Array.Copy(_reorderRemaining, index + 1, _reorderRemaining, index, _reorderCount - index);
        Array.Copy(_reorderDeadlines, index + 1, _reorderDeadlines, index, _reorderCount - index);
        _downstream.Write(_held.GetFrame(buffer));
        _delivered++;
        _held.Return(buffer);
    }

    private void ReleaseDueLocked(long now)
    {
        while (_schedule.TryTakeDue(now, out int buffer))
        {
            DeliverLocked(_held.GetFrame(buffer));
            _held.Return(buffer);
        }
        for (int i = 0; i < _reorderCount;)
        {
            if (_reorderDeadlines[i] <= now)
            {
                ReleaseReorderedLocked(i);
            }
            else
            {
                i++;
            }
        }
    }

    private void ArmTimerLocked(long now)
    {
        long next = _schedule.TryPeek(out long releaseAt) ? releaseAt : long.MaxValue;
        for (int i = 0; i < _reorderCount; i++)
        {
            next = Math.Min(next, _reorderDeadlines[i]);
        }
        if (next == _armedFor)
        {
            return;
        }
        _armedFor = next;
        var due = next == long.MaxValue ? Timeout.InfiniteTimeSpan : ToTimeSpanCeiling(Math.Max(0, next - now));
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            // The timer may fire a little early: forget what it was set for, so that it is set again.
            _armedFor = long.MaxValue;
            long now = _time.GetTimestamp();
            ReleaseDueLocked(now);
            ArmTimerLocked(now);
        }
    }

    private bool Chance(double probability) => probability > 0 && _random.NextDouble() < probability;

    private long ToTicks(TimeSpan span) => (long)((Int128)span.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond);

    // Rounded up, so the timer never fires before the frame is due.
    private TimeSpan ToTimeSpanCeiling(long ticks)
    {
        long frequency = _time.TimestampFrequency;
        return TimeSpan.FromTicks((long)((((Int128)ticks * TimeSpan.TicksPerSecond) + frequency - 1) / frequency));
    }
}
