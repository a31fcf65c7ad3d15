using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>How an <see cref="IpInterface"/> is configured: its MAC, MTU, addresses, routes and table sizes.</summary>
public sealed record IpInterfaceOptions
{
    /// <summary>The interface's unicast MAC.</summary>
    public required MacAddress MacAddress { get; init; }

    /// <summary>The largest IP packet sent or accepted (the Ethernet payload), at least 1280 (RFC 8200 §5).</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>The IPv4 address and on-link prefix; IPv4 is off when null.</summary>
    public Ipv4InterfaceAddress? Ipv4 { get; init; }

    /// <summary>The IPv4 default gateway (0.0.0.0/0 via it); none when unspecified.</summary>
    public Ipv4Address Ipv4Gateway { get; init; }

    /// <summary>IPv6 addresses besides the link-local one, which is always derived from <see cref="MacAddress"/>.</summary>
    public IReadOnlyList<Ipv6InterfaceAddress> Ipv6Addresses { get; init; } = [];

    /// <summary>The IPv6 default gateway (::/0 via it), normally a router's link-local address; none when unspecified.</summary>
    public Ipv6Address Ipv6Gateway { get; init; }

    /// <summary>Further IPv4 routes, besides the on-link prefix and the default route.</summary>
    public IReadOnlyList<Ipv4Route> Ipv4Routes { get; init; } = [];

    /// <summary>Further IPv6 routes, besides fe80::/64, the configured prefixes and the default route.</summary>
    public IReadOnlyList<Ipv6Route> Ipv6Routes { get; init; } = [];

    /// <summary>Neighbour cache sizes and timers (ARP and NDP alike).</summary>
    public NeighborOptions Neighbors { get; init; } = new();

    /// <summary>Frame buffers for packets waiting for neighbour resolution, shared by both families.</summary>
    public int PendingPacketPoolSize { get; init; } = 64;

    /// <summary>IPv6 extension headers walked before a packet is dropped (a NIC parser's depth, and a bound on work per packet).</summary>
    public int MaxExtensionHeaders { get; init; } = 8;

    /// <summary>TTL and Hop Limit of our datagrams (RFC 1700's 64, as Linux).</summary>
    public byte DefaultHopLimit { get; init; } = 64;
}
