namespace Devmem.Stack.Link.Pcap;

/// <summary>
/// An <see cref="ILink"/> decorator that records both directions into a pcap file, as <c>tcpdump -i</c> on the
/// device would: every frame transmitted (before it goes down) and every frame received (after it came up),
/// in the order this link saw them, with a wall-clock timestamp. The frames are unchanged.
/// </summary>
/// <remarks>
/// The two directions may run on two threads (one transmitter, one receiver, as for any link), so records are
/// written under one lock. Frames are captured whole up to the writer's snaplen, GSO frames included: a
/// capture of a TAP with offloads shows the 64 KiB segments the kernel handed over, as tcpdump on the TAP does.
/// Disposing flushes the file and disposes the inner link when this link owns it.
/// </remarks>
public sealed class PcapLink : ILink, IDisposable
{
    private readonly object _lock = new();
    private readonly ILink _inner;
    private readonly PcapWriter _writer;
    private readonly TimeProvider _time;
    private readonly bool _ownsInner;
    private bool _disposed;

    /// <param name="inner">The link that moves the frames.</param>
    /// <param name="writer">Where records go; disposed with this link.</param>
    /// <param name="ownsInner">Dispose <paramref name="inner"/> with this link.</param>
    /// <param name="timeProvider">The timestamps' clock; <see cref="TimeProvider.System"/> when null.</param>
    public PcapLink(ILink inner, PcapWriter writer, bool ownsInner = true, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(writer);
        _inner = inner;
        _writer = writer;
        _ownsInner = ownsInner;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The decorated link.</summary>
    public ILink Inner => _inner;

    /// <summary>Frames recorded, both directions.</summary>
    public long Records
    {
        get
        {
            lock (_lock)
            {
                return _writer.Records;
            }
        }
    }

    /// <inheritdoc/>
    public int MaxFrameLength => _inner.MaxFrameLength;

    /// <inheritdoc/>
    public void Transmit(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        Record(frames, 0);
        _inner.Transmit(frames);
    }

    /// <inheritdoc/>
    public int Receive(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        int first = frames.Count;
        int added = _inner.Receive(frames);
        Record(frames, first);
        return added;
    }

    /// <inheritdoc/>
    public ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default) => _inner.WaitForFramesAsync(cancellationToken);

    /// <summary>Flushes what was recorded so far (a test reads the file while the link runs).</summary>
    public void Flush()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _writer.Flush();
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _writer.Dispose();
        }
        if (_ownsInner && _inner is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private void Record(FrameBatch frames, int first)
    {
        if (first >= frames.Count)
        {
            return;
        }
        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            for (int i = first; i < frames.Count; i++)
            {
                _writer.Write(frames[i], now);
            }
        }
    }
}
