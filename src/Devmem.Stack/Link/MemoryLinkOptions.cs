namespace Devmem.Stack.Link;

/// <summary>The shape of a <see cref="MemoryLink"/>: its MTU, its queues and the faults on each direction.</summary>
public sealed record MemoryLinkOptions
{
    /// <summary>
    /// The largest Ethernet payload carried, 68..65535 (RFC 791's minimum; interfaces that speak IPv6
    /// need at least 1280, RFC 8200 §5). Frames may be 18 bytes longer: the header and one 802.1Q tag.
    /// </summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>Frames each direction's receive queue holds before it tail-drops.</summary>
    public int QueueLength { get; init; } = 256;

    /// <summary>
    /// Whether the link carries GSO frames whole (<see cref="IGsoLink"/>), as a veth does (on, the default): an
    /// engine then sends one frame of up to 64 KiB per GSO segment instead of one per MSS, and the receiving NIC
    /// takes it as the large segment its GRO would have built. Off, every frame is wire-sized, as between two
    /// NICs on a cable: each one is parsed, steered, written and aggregated on its own. A direction with faults
    /// carries wire-sized frames whatever this says, so that loss, corruption and reordering hit what a wire
    /// would carry.
    /// </summary>
    public bool SegmentationOffload { get; init; } = true;

    /// <summary>Large buffers each direction lends for GSO frames in flight, allocated as first needed (64 KiB each).</summary>
    public int GsoBuffers { get; init; } = 256;

    /// <summary>Faults on frames from A to B; none when null.</summary>
    public FaultInjectorOptions? AToBFaults { get; init; }

    /// <summary>Faults on frames from B to A; none when null.</summary>
    public FaultInjectorOptions? BToAFaults { get; init; }

    /// <summary>The clock the fault injectors use; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
