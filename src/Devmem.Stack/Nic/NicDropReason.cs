namespace Devmem.Stack.Nic;

/// <summary>
/// Why the emulated NIC dropped a frame before any skb reached the stack. Each reason indexes a counter of
/// <see cref="NicQueueStats"/>, so counting a drop is one array increment.
/// </summary>
public enum NicDropReason
{
    /// <summary>Shorter than an Ethernet header: hardware discards runts before they reach a ring.</summary>
    RuntFrame,

    /// <summary>
    /// The queue's page pool had no chunk for the payload (netdev qstats <c>rx-alloc-fail</c>): hardware
    /// with an empty ring drops the packet, and so does the NIC here, returning every chunk it had taken.
    /// </summary>
    AllocFailure,

    /// <summary>
    /// The TCP checksum the NIC computed while writing the payload did not verify (qstats <c>rx-csum-bad</c>).
    /// The chunks already written go back to the page pool.
    /// </summary>
    BadChecksum,
}
