using Devmem.Stack.Wire;

namespace Devmem.Stack.Link;

/// <summary>
/// An <see cref="ILink"/> decorator that puts a <see cref="FaultInjector"/> on either direction of any link,
/// so a TAP or AF_PACKET link can lose, reorder, duplicate, corrupt or delay frames on our side as the memory
/// link does between two engines. Received frames go inner link -> injector -> <see cref="ReceiveQueue"/> ->
/// the caller's batch; transmitted frames go injector -> inner link.
/// </summary>
/// <remarks>
/// <para>A frame passes the injector as bytes, so the virtio-net header it arrived with is not carried. A frame
/// whose header asks for something (a GSO frame from a TAP with offloads or from a memory link that carries
/// them, or a partial checksum the NIC would have to trust) is first turned into the wire frames it stands for
/// (<see cref="SoftwareSegmentation"/>, counted in <see cref="OffloadFramesSegmented"/>), so that faults hit
/// what a wire would carry; one that is not a TCP segment it can cut is dropped and counted in
/// <see cref="OffloadFramesDropped"/>.</para>
/// <para>A test tool, not a data path: waiting allocates (it waits on the inner link and on frames the injector
/// releases later, whichever comes first), unlike the links it wraps.</para>
/// </remarks>
public sealed class FaultInjectingLink : ILink, IDisposable
{
    private readonly ILink _inner;
    private readonly bool _ownsInner;
    private readonly FaultInjector? _receiveFaults;
    private readonly FaultInjector? _transmitFaults;
    private readonly FrameBatch? _pulled;
    private Task? _innerWait;
    private Task? _queueWait;
    private readonly byte[]? _segment;
    private long _offloadFramesSegmented;
    private long _offloadFramesDropped;

    /// <param name="inner">The link that moves the frames.</param>
    /// <param name="receive">Faults on what arrives from <paramref name="inner"/>; none when null.</param>
    /// <param name="transmit">Faults on what goes out through <paramref name="inner"/>; none when null.</param>
    /// <param name="maxFrameLength">
    /// The longest frame through the injectors, which hold frames in buffers this long: the MTU plus the Ethernet
    /// header (and a VLAN tag) for a link without offloads; <paramref name="inner"/>'s when 0.
    /// </param>
    /// <param name="queueLength">Frames the receive queue between the injector and the caller holds (tail drop past that).</param>
    /// <param name="ownsInner">Dispose <paramref name="inner"/> with this link.</param>
    /// <param name="timeProvider">The injectors' clock; <see cref="TimeProvider.System"/> when null.</param>
    public FaultInjectingLink(
        ILink inner, FaultInjectorOptions? receive, FaultInjectorOptions? transmit, int maxFrameLength = 0, int queueLength = 1024,
        bool ownsInner = true, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrameLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameLength, inner.MaxFrameLength);
        _inner = inner;
        _ownsInner = ownsInner;
        MaxFrameLength = maxFrameLength > 0 ? maxFrameLength : inner.MaxFrameLength;
        if (receive is not null)
        {
            ReceiveQueue = new FrameRing(queueLength, MaxFrameLength);
            _receiveFaults = new FaultInjector(ReceiveQueue, receive, timeProvider);

            // Slots as long as the inner link's frames: ILink.Receive refuses shorter ones. A memory link whose peer
            // sends GSO frames lends their buffers; the batch gives them back when it is cleared.
            _pulled = new FrameBatch(64, inner.MaxFrameLength, (inner as IGsoLink)?.ReceiveGsoBuffers);
            _segment = new byte[MaxFrameLength];
        }

        if (transmit is not null)
        {
            _transmitFaults = new FaultInjector(new InnerTransmitter(inner, MaxFrameLength), transmit, timeProvider);
        }
    }

    /// <inheritdoc/>
    public int MaxFrameLength { get; }

    /// <summary>The decorated link.</summary>
    public ILink Inner => _inner;

    /// <summary>The faults on received frames and their counters; null when none.</summary>
    public FaultInjector? ReceiveFaults => _receiveFaults;

    /// <summary>The faults on transmitted frames and their counters; null when none.</summary>
    public FaultInjector? TransmitFaults => _transmitFaults;

    /// <summary>Where received frames wait after the injector, with its tail-drop counters; null without receive faults.</summary>
    public FrameRing? ReceiveQueue { get; }

    /// <summary>Received frames whose offload (GSO, a partial checksum) was done in software before the injector.</summary>
    public long OffloadFramesSegmented => Volatile.Read(ref _offloadFramesSegmented);

    /// <summary>
    /// Received frames dropped because their virtio-net header asked for an offload on something that is not a
    /// TCP segment over IP, or a segment longer than the injector's frames.
    /// </summary>
    public long OffloadFramesDropped => Volatile.Read(ref _offloadFramesDropped);

    /// <inheritdoc/>
    public void Transmit(FrameBatch frames)
    {
        if (_transmitFaults is null)
        {
            _inner.Transmit(frames);
            return;
        }

        _transmitFaults.Write(frames);
    }

    /// <inheritdoc/>
    public int Receive(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (_receiveFaults is null)
        {
            return _inner.Receive(frames);
        }

        _pulled!.Clear();
        _inner.Receive(_pulled);
        for (int i = 0; i < _pulled.Count; i++)
        {
            if (_pulled.TryGetOffload(i, out VirtioNetHeader offload) && (offload.IsGso || (offload.Flags & VirtioNetFlags.NeedsChecksum) != 0))
            {
                bool segmented = SoftwareSegmentation.TryWrite(_pulled[i], offload, _segment, _receiveFaults, out _);
                Interlocked.Increment(ref segmented ? ref _offloadFramesSegmented : ref _offloadFramesDropped);
                continue;
            }

            _receiveFaults.Write(_pulled[i]);
        }

        return ReceiveQueue!.Read(frames);
    }

    /// <inheritdoc/>
    public async ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default)
    {
        if (ReceiveQueue is null)
        {
            await _inner.WaitForFramesAsync(cancellationToken);
            return;
        }

        // Frames come from the inner link or, later, from the injector's timer (delayed or reordered ones). Each
        // source takes one waiter, so the wait that did not finish is kept for the next call instead of doubled;
        // one that finished meanwhile (for frames since read) says nothing now and is made again.
        while (true)
        {
            if (_innerWait is { IsCompleted: true })
            {
                _innerWait = null;
            }

            if (_queueWait is { IsCompleted: true })
            {
                _queueWait = null;
            }

            _innerWait ??= _inner.WaitForFramesAsync(cancellationToken).AsTask();
            _queueWait ??= ReceiveQueue.WaitForFramesAsync(cancellationToken).AsTask();
            Task first = await Task.WhenAny(_innerWait, _queueWait).WaitAsync(cancellationToken);
            if (first == _innerWait)
            {
                _innerWait = null;
                await first;
                return;
            }

            _queueWait = null;
            await first;

            // The queue's wait completes on the thread pool, so it may report frames a Receive has read since;
            // only frames still queued end the wait.
            if (ReceiveQueue.Count > 0)
            {
                return;
            }
        }
    }

    /// <summary>Stops the injectors (frames they hold are discarded) and disposes the inner link when owned.</summary>
    public void Dispose()
    {
        _receiveFaults?.Dispose();
        _transmitFaults?.Dispose();
        if (_ownsInner && _inner is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    // The transmit injector's downstream. The injector calls it under its own lock, from the engine's thread or
    // its timer's, so the inner link still sees one transmitter at a time.
    private sealed class InnerTransmitter(ILink inner, int maxFrameLength) : IFrameWriter
    {
        private readonly FrameBatch _one = new(1, maxFrameLength);

        public int MaxFrameLength => maxFrameLength;

        public void Write(ReadOnlySpan<byte> frame)
        {
            // An engine never builds a frame past its MTU; one longer than the injector's buffers is dropped, as
            // the injector's downstream queues drop oversized frames.
            _one.Clear();
            if (frame.Length <= maxFrameLength && _one.TryAdd(frame))
            {
                inner.Transmit(_one);
            }
        }

        public void Write(FrameBatch frames) => inner.Transmit(frames);
    }
}
