namespace Devmem.Stack.Ip;

/// <summary>What a neighbour cache lookup for an outgoing packet found.</summary>
internal enum NeighborLookup
{
    /// <summary>The link-layer address is known: send now.</summary>
    Resolved,

    /// <summary>Resolution is in progress (perhaps just started): queue the packet on the entry.</summary>
    Pending,

    /// <summary>No entry exists and none can be made: every entry is resolving.</summary>
    CacheFull,
}
