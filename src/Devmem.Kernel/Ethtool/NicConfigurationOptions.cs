namespace Devmem.Kernel.Ethtool;

/// <summary>
/// What <see cref="NicConfiguration"/> sets on a device before devmem RX, in ncdevmem's terms
/// (tools/testing/selftests/drivers/net/hw/ncdevmem.c). Each member left at its default is not touched.
/// </summary>
public sealed record NicConfigurationOptions
{
    /// <summary>The interface name (ncdevmem <c>-f</c>).</summary>
    public required string Device { get; init; }

    /// <summary>Channel counts to set first (ncdevmem's <c>configure_channels</c>, used by its TX runs).</summary>
    public EthtoolChannelsChange? Channels { get; init; }

    /// <summary>Header-data split on and its threshold 0 (<c>configure_headersplit(1)</c>), which bind-rx requires.</summary>
    public bool HeaderSplit { get; init; }

    /// <summary>
    /// <c>ethtool -X DEV equal N</c> (<c>configure_rss</c>): RSS spreads over queues 0..N-1 only, so the devmem
    /// queues from N up receive nothing but the steered flow. ncdevmem passes its first devmem queue.
    /// </summary>
    public uint? RssQueues { get; init; }

    /// <summary>The rule that steers the devmem flow to its queue (<c>configure_flow_steering</c>).</summary>
    public EthtoolFlowRule? FlowRule { get; init; }

    /// <summary>Everything ncdevmem's server configures for RX on queues from <paramref name="firstQueue"/>, the flow steered to it.</summary>
    public static NicConfigurationOptions ForDevmemRx(string device, uint firstQueue, EthtoolFlowRule flowRule) => new()
    {
        Device = device,
        HeaderSplit = true,
        RssQueues = firstQueue,
        FlowRule = flowRule,
    };
}
