namespace Devmem.Stack.Ip;

/// <summary>What <see cref="IpInterface.Send"/> did with a datagram.</summary>
public enum IpSendResult
{
    /// <summary>Framed and committed to the sink.</summary>
    Sent,

    /// <summary>Framed into a pool buffer, waiting for the next hop's link-layer address.</summary>
    Queued,

    /// <summary>Dropped; <see cref="IpInterface.Counters"/> says why.</summary>
    Dropped,

    /// <summary>
    /// A GSO frame the interface cannot send whole now (the sink has no large buffer free, the next hop is not
    /// resolved): nothing was sent or counted, and the caller sends the segments one by one.
    /// </summary>
    Declined,
}
