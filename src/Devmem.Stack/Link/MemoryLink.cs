using Devmem.Stack.Wire;

namespace Devmem.Stack.Link;

/// <summary>
/// Two engines in one process joined by a virtual cable: endpoint <see cref="A"/> transmits into
/// <see cref="B"/>'s receive queue and B into A's. Each queue is a <see cref="FrameRing"/>; a frame goes from
/// the sender's batch to the receiver's without a copy when both batches have the ring's frame length (an
/// engine's do). A direction may carry a <see cref="FaultInjector"/>, which copies. With
/// <see cref="MemoryLinkOptions.SegmentationOffload"/> a direction without faults carries GSO frames whole
/// (<see cref="IGsoLink"/>).
/// </summary>
public sealed class MemoryLink : IDisposable
{
    private readonly FaultInjector? _aToB;
    private readonly FaultInjector? _bToA;

    /// <param name="options">MTU, queue length and faults; the defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The MTU or queue length is out of range, or a fault option is.</exception>
    public MemoryLink(MemoryLinkOptions? options = null)
    {
        options ??= new MemoryLinkOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Mtu, 68, nameof(options.Mtu));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Mtu, ushort.MaxValue, nameof(options.Mtu));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.QueueLength, nameof(options.QueueLength));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.GsoBuffers, nameof(options.GsoBuffers));

        // Room for one 802.1Q tag on top of the MTU, as Linux's receive path allows (VLAN_ETH_HLEN).
        int maxFrameLength = options.Mtu + EthernetView.TaggedHeaderLength;
        var toB = new FrameRing(options.QueueLength, maxFrameLength);
        var toA = new FrameRing(options.QueueLength, maxFrameLength);
        if (options.AToBFaults is { } aToB)
        {
            _aToB = new FaultInjector(toB, aToB, options.TimeProvider);
        }
        if (options.BToAFaults is { } bToA)
        {
            _bToA = new FaultInjector(toA, bToA, options.TimeProvider);
        }
        GsoBufferPool? gsoToB = GsoPool(options, maxFrameLength, _aToB);
        GsoBufferPool? gsoToA = GsoPool(options, maxFrameLength, _bToA);
        A = new MemoryLinkEndpoint(toA, (IFrameWriter?)_aToB ?? toB, _aToB, gsoToB, gsoToA);
        B = new MemoryLinkEndpoint(toB, (IFrameWriter?)_bToA ?? toA, _bToA, gsoToA, gsoToB);
        Mtu = options.Mtu;
    }

    /// <summary>The MTU both endpoints share.</summary>
    public int Mtu { get; }

    /// <summary>One end: what it transmits, B receives.</summary>
    public MemoryLinkEndpoint A { get; }

    /// <summary>The other end: what it transmits, A receives.</summary>
    public MemoryLinkEndpoint B { get; }

    // A direction carries GSO frames when asked to and no fault injector needs to see wire-sized frames.
    private static GsoBufferPool? GsoPool(MemoryLinkOptions options, int maxFrameLength, FaultInjector? faults) =>
        options.SegmentationOffload && faults is null && maxFrameLength < GsoFrame.MaxLength
            ? new GsoBufferPool(options.GsoBuffers, maxFrameLength, GsoFrame.MaxLength)
            : null;

    /// <summary>Stops the fault injectors' timers.</summary>
    public void Dispose()
    {
        _aToB?.Dispose();
        _bToA?.Dispose();
    }
}
