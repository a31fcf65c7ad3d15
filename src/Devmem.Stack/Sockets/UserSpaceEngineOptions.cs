using Devmem.Skb;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Nic;
using Devmem.Stack.Tcp;

namespace Devmem.Stack.Sockets;

/// <summary>What a <see cref="UserSpaceEngine"/> is made of: its link, its interface's addresses, its NIC and its TCP settings.</summary>
public sealed record UserSpaceEngineOptions
{
    /// <summary>The link endpoint the engine drives; the engine owns it from then on (one engine per endpoint).</summary>
    public required ILink Link { get; init; }

    /// <summary>The interface's MAC, MTU, addresses and routes.</summary>
    public required IpInterfaceOptions Interface { get; init; }

    /// <summary>The emulated NIC's queues and header split; the defaults when null.</summary>
    public NicOptions? Nic { get; init; }

    /// <summary>Where the NIC's payload skbs come from; a new pool when null.</summary>
    public SkbPool? SkbPool { get; init; }

    /// <summary>Options of every connection; <see cref="TcpConnectionOptions.Default"/> when null.</summary>
    public TcpConnectionOptions? Tcp { get; init; }

    /// <summary>listen(2)'s backlog: handshakes in progress and established connections not yet accepted, each.</summary>
    public int Backlog { get; init; } = 128;

    /// <summary>
    /// Generic segmentation offload (<c>ethtool -K eth0 gso on</c>, Linux's default): a connection hands the
    /// engine up to 64 KiB of full segments at once, which the engine cuts into MTU-sized segments as it writes
    /// their frames. The wire sees the same segments either way; TCP runs once per burst instead of per segment.
    /// </summary>
    public bool SegmentationOffload { get; init; } = true;

    /// <summary>Frames per link batch, in and out.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The clock; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
