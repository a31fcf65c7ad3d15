namespace Devmem.Stack.Ip;

/// <summary>A neighbour cache entry's reachability (RFC 4861 §7.3.2), used for ARP entries too (as Linux does).</summary>
public enum NeighborState
{
    /// <summary>Resolution in progress: solicitations are being sent and packets wait.</summary>
    Incomplete,

    /// <summary>Confirmed recently (within the reachable time).</summary>
    Reachable,

    /// <summary>Not confirmed recently; used as is. The next use starts the delay before a probe.</summary>
    Stale,

    /// <summary>Used while stale: waiting a moment for an upper layer to confirm reachability before probing (§7.3.3).</summary>
    Delay,

    /// <summary>In use and being re-confirmed with unicast solicitations.</summary>
    Probe,
}
