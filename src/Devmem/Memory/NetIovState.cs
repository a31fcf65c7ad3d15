namespace Devmem.Memory;

/// <summary>Where a <see cref="NetIov"/> is; each move between states is checked, so a double free throws.</summary>
internal enum NetIovState
{
    /// <summary>In its area's free pool (Linux: the binding's genpool); no page pool, no references.</summary>
    Free,

    /// <summary>
    /// Taken from its area by a page pool and not handed out: in the pool's alloc cache or recycle ring.
    /// </summary>
    Cached,

    /// <summary>Handed out by its page pool: to the NIC, then skb frags and user tokens.</summary>
    InFlight,
}
