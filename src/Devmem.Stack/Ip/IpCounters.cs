namespace Devmem.Stack.Ip;

/// <summary>
/// An interface's counters: drops by <see cref="IpDropReason"/> in an array indexed by the reason
/// (no lookup per packet), and the events worth watching. Written by the engine thread only; read
/// them from it, or from elsewhere as a snapshot that may lag.
/// </summary>
public sealed class IpCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<IpDropReason>().Length];

    /// <summary>Drops for one reason.</summary>
    public long this[IpDropReason reason] => _drops[(int)reason];

    /// <summary>Drops for all reasons together.</summary>
    public long TotalDrops
    {
        get
        {
            long total = 0;
            foreach (long count in _drops)
            {
                total += count;
            }
            return total;
        }
    }

    /// <summary>Frames handed to <see cref="IpInterface.Receive(ReadOnlySpan{byte}, long, Link.IFrameSink)"/>.</summary>
    public long FramesReceived { get; internal set; }

    /// <summary>IPv4 datagrams that passed every check and are ours.</summary>
    public long Ipv4Received { get; internal set; }

    /// <summary>IPv6 datagrams that passed every check and are ours.</summary>
    public long Ipv6Received { get; internal set; }

    /// <summary>Datagrams handed to an upper layer.</summary>
    public long Delivered { get; internal set; }

    /// <summary>Echo requests answered (ICMP and ICMPv6).</summary>
    public long EchoRepliesSent { get; internal set; }

    /// <summary>IP datagrams committed to a sink, at once or after resolution.</summary>
    public long PacketsSent { get; internal set; }

    /// <summary>IP datagrams that had to wait for neighbour resolution.</summary>
    public long PacketsQueued { get; internal set; }

    /// <summary>ARP requests sent (resolutions, retries and probes).</summary>
    public long ArpRequestsSent { get; internal set; }

    /// <summary>ARP replies sent.</summary>
    public long ArpRepliesSent { get; internal set; }

    /// <summary>Neighbor Solicitations sent (resolutions, retries and probes).</summary>
    public long NeighborSolicitationsSent { get; internal set; }

    /// <summary>Neighbor Advertisements sent.</summary>
    public long NeighborAdvertisementsSent { get; internal set; }

    internal void Drop(IpDropReason reason) => _drops[(int)reason]++;
}
