namespace Devmem.Stack.Ip;

/// <summary>
/// Neighbour cache sizes and timers, shared by ARP and NDP. Defaults are RFC 4861 §10's constants,
/// which Linux also uses for ARP (mcast_solicit, ucast_solicit, retrans_time, base_reachable_time).
/// </summary>
public sealed record NeighborOptions
{
    /// <summary>Entries per family. A host talks to few neighbours (its gateway and a few on-link peers).</summary>
    public int CacheSize { get; init; } = 64;

    /// <summary>Packets each unresolved neighbour holds (RFC 4861 §7.2.2: a small queue; the oldest goes when it overflows).</summary>
    public int PendingPacketsPerNeighbor { get; init; } = 3;

    /// <summary>Between solicitations (RETRANS_TIMER, 1 s).</summary>
    public TimeSpan RetransmitInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Broadcast or multicast solicitations before resolution fails (MAX_MULTICAST_SOLICIT, 3).</summary>
    public int MaxMulticastSolicitations { get; init; } = 3;

    /// <summary>Unicast probes of a stale entry before it is removed (MAX_UNICAST_SOLICIT, 3).</summary>
    public int MaxUnicastSolicitations { get; init; } = 3;

    /// <summary>How long a stale entry in use waits for an upper-layer confirmation before it is probed (DELAY_FIRST_PROBE_TIME, 5 s).</summary>
    public TimeSpan DelayFirstProbeTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a confirmation keeps an entry reachable (REACHABLE_TIME, 30 s; not randomised, for determinism).</summary>
    public TimeSpan ReachableTime { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CacheSize, nameof(CacheSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PendingPacketsPerNeighbor, nameof(PendingPacketsPerNeighbor));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetransmitInterval, TimeSpan.Zero, nameof(RetransmitInterval));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxMulticastSolicitations, nameof(MaxMulticastSolicitations));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxUnicastSolicitations, nameof(MaxUnicastSolicitations));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReachableTime, TimeSpan.Zero, nameof(ReachableTime));
        ArgumentOutOfRangeException.ThrowIfLessThan(DelayFirstProbeTime, TimeSpan.Zero, nameof(DelayFirstProbeTime));
    }
}
