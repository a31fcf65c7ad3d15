namespace Devmem.Stack.Nic;

/// <summary>How an <see cref="EmulatedNic"/> is built: its hardware limits and its initial ring settings.</summary>
public sealed record NicOptions
{
    /// <summary>The device name in messages and introspection.</summary>
    public string Name { get; init; } = "emu0";

    /// <summary>The interface index introspection reports.</summary>
    public int Ifindex { get; init; } = 1;

    /// <summary>RX queues at start (<c>ethtool -l</c> current rx).</summary>
    public int RxQueues { get; init; } = 4;

    /// <summary>The most RX queues the device has (<c>ethtool -l</c> pre-set maximum).</summary>
    public int MaxRxQueues { get; init; } = 64;

    /// <summary>Host pages each queue owns for its page pool while no dma-buf is bound (also its ring size).</summary>
    public int PagesPerQueue { get; init; } = 256;

    /// <summary>
    /// How many IPv6 extension headers the hardware parser walks before giving up on finding TCP. Past it
    /// the NIC cannot split, checksum or hash the ports of the packet.
    /// </summary>
    public int ParserDepth { get; init; } = 4;

    /// <summary>Whether the hardware parser walks IPv4 options; when false any option makes the packet unparseable.</summary>
    public bool ParsesIpv4Options { get; init; } = true;

    /// <summary>Initial <c>tcp-data-split</c> (<c>ethtool -G eth0 tcp-data-split on</c>).</summary>
    public bool TcpDataSplit { get; init; } = true;

    /// <summary>Initial <c>rx-gro-hw</c>: whether consecutive segments of a flow are aggregated (<see cref="EmulatedNic.GenericReceiveOffload"/>).</summary>
    public bool GenericReceiveOffload { get; init; } = true;

    /// <summary>Initial <c>hds-thresh</c>: frames no longer than this are not split.</summary>
    public int HdsThreshold { get; init; }

    /// <summary>The largest <c>hds-thresh</c> the device accepts (<c>hds-thresh-max</c>).</summary>
    public int HdsThresholdMax { get; init; } = 1024;

    /// <summary>
    /// Bytes per receive buffer (<c>ethtool -G eth0 rx-buf-len</c>): 1024, 2048 or 4096. Smaller buffers
    /// share a chunk and give a payload more frags.
    /// </summary>
    public int RxBufferLength { get; init; } = 4096;

    /// <summary>Locations of the n-tuple filter table.</summary>
    public int FlowRuleCapacity { get; init; } = FlowRuleTable.DefaultCapacity;

    /// <summary>Entries of the RSS indirection table.</summary>
    public int RssTableSize { get; init; } = RssConfiguration.DefaultTableSize;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRxQueues);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RxQueues);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RxQueues, MaxRxQueues);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PagesPerQueue);
        ArgumentOutOfRangeException.ThrowIfNegative(ParserDepth);
        ArgumentOutOfRangeException.ThrowIfNegative(HdsThresholdMax);
        ArgumentOutOfRangeException.ThrowIfNegative(HdsThreshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HdsThreshold, HdsThresholdMax);
        if (RxBufferLength is not (1024 or 2048 or 4096))
        {
            throw new ArgumentOutOfRangeException(nameof(RxBufferLength), RxBufferLength, "rx-buf-len must be 1024, 2048 or 4096.");
        }
    }
}
