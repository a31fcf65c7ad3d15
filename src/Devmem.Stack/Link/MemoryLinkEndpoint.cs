namespace Devmem.Stack.Link;

/// <summary>One end of a <see cref="MemoryLink"/>: it receives from its own queue and transmits into the peer's.</summary>
public sealed class MemoryLinkEndpoint : IReadyCallbackLink, IGsoLink
{
    private readonly IFrameWriter _transmit;

    internal MemoryLinkEndpoint(
        FrameRing receiveQueue, IFrameWriter transmit, FaultInjector? transmitFaults, GsoBufferPool? transmitGso, GsoBufferPool? receiveGso)
    {
        ReceiveQueue = receiveQueue;
        _transmit = transmit;
        TransmitFaults = transmitFaults;
        TransmitGsoBuffers = transmitGso;
        ReceiveGsoBuffers = receiveGso;
    }

    /// <inheritdoc/>
    public int MaxFrameLength => ReceiveQueue.MaxFrameLength;

    /// <summary>This end's receive queue, with its tail-drop counters.</summary>
    public FrameRing ReceiveQueue { get; }

    /// <summary>The faults on what this end transmits, if any.</summary>
    public FaultInjector? TransmitFaults { get; }

    /// <inheritdoc/>
    public bool TransmitsGso => TransmitGsoBuffers is not null;

    /// <inheritdoc/>
    public GsoBufferPool? TransmitGsoBuffers { get; }

    /// <inheritdoc/>
    public GsoBufferPool? ReceiveGsoBuffers { get; }

    /// <inheritdoc/>
    public void Transmit(FrameBatch frames) => _transmit.Write(frames);

    /// <summary>Sends one frame.</summary>
    public void Transmit(ReadOnlySpan<byte> frame) => _transmit.Write(frame);

    /// <inheritdoc/>
    public int Receive(FrameBatch frames) => ReceiveQueue.Read(frames);

    /// <inheritdoc/>
    public ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default) => ReceiveQueue.WaitForFramesAsync(cancellationToken);

    // The peer's transmit (or the fault injector releasing a held frame) calls the engine back directly.
    bool IReadyCallbackLink.TryArmReadyCallback(Action onFrames) => ReceiveQueue.TryArmCallback(onFrames);

    bool IReadyCallbackLink.DisarmReadyCallback() => ReceiveQueue.DisarmCallback();
}
