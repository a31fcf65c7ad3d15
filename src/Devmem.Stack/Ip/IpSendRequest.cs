using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>The IP header fields an upper layer chooses for one outgoing datagram; the interface fills in the rest.</summary>
public readonly record struct IpSendRequest
{
    /// <summary>Where to.</summary>
    public IpAddress Destination { get; init; }

    /// <summary>
    /// From which of our addresses; unspecified to let the interface choose (RFC 6724 for IPv6). A
    /// connection chooses once with <see cref="IpInterface.TrySelectSourceAddress"/> and keeps it.
    /// </summary>
    public IpAddress Source { get; init; }

    /// <summary>The upper-layer protocol.</summary>
    public IpProtocol Protocol { get; init; }

    /// <summary>TTL or Hop Limit; 0 for the interface's default.</summary>
    public byte HopLimit { get; init; }

    /// <summary>DSCP, 0..63 (RFC 2474).</summary>
    public byte Dscp { get; init; }

    /// <summary>ECN, 0..3 (RFC 3168): TCP sets ECT here.</summary>
    public byte Ecn { get; init; }
}
