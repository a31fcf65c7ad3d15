using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>
/// An interface's routes for both families, longest prefix first, so the first match is the
/// longest-prefix match (RFC 1812 §5.2.4.3). A host has a handful of routes (its on-link prefixes
/// and a default), so a scan of a sorted array is the whole algorithm.
/// </summary>
internal sealed class RouteTable
{
    private readonly Ipv4Route[] _ipv4;
    private readonly Ipv6Route[] _ipv6;

    /// <exception cref="ArgumentException">A prefix length is out of range, or a gateway is not on-link.</exception>
    public RouteTable(IEnumerable<Ipv4Route> ipv4, IEnumerable<Ipv6Route> ipv6)
    {
        _ipv4 = [.. ipv4.OrderByDescending(r => r.PrefixLength)];
        _ipv6 = [.. ipv6.OrderByDescending(r => r.PrefixLength)];
        foreach (var route in _ipv4)
        {
            if (route.PrefixLength is < 0 or > 32)
            {
                throw new ArgumentException($"IPv4 route {route.Prefix}/{route.PrefixLength}: a prefix length lies in 0..32.");
            }
            if (!route.IsOnLink && !IsOnLink(route.Gateway))
            {
                throw new ArgumentException($"IPv4 route {route.Prefix}/{route.PrefixLength}: gateway {route.Gateway} is not on an on-link prefix.");
            }
        }
        foreach (var route in _ipv6)
        {
            if (route.PrefixLength is < 0 or > 128)
            {
                throw new ArgumentException($"IPv6 route {route.Prefix}/{route.PrefixLength}: a prefix length lies in 0..128.");
            }
            if (!route.IsOnLink && !IsOnLink(route.Gateway))
            {
                throw new ArgumentException($"IPv6 route {route.Prefix}/{route.PrefixLength}: gateway {route.Gateway} is not on an on-link prefix.");
            }
        }
    }

    public IReadOnlyList<Ipv4Route> Ipv4 => _ipv4;

    public IReadOnlyList<Ipv6Route> Ipv6 => _ipv6;

    /// <summary>The neighbour a packet for <paramref name="destination"/> goes to: the destination itself when on-link, else the gateway.</summary>
    public bool TryGetNextHop(Ipv4Address destination, out Ipv4Address nextHop)
    {
        foreach (var route in _ipv4)
        {
            if (destination.IsInSubnet(route.Prefix, route.PrefixLength))
            {
                nextHop = route.IsOnLink ? destination : route.Gateway;
                return true;
            }
        }
        nextHop = default;
        return false;
    }

    /// <inheritdoc cref="TryGetNextHop(Ipv4Address, out Ipv4Address)"/>
    public bool TryGetNextHop(Ipv6Address destination, out Ipv6Address nextHop)
    {
        foreach (var route in _ipv6)
        {
            if (destination.IsInSubnet(route.Prefix, route.PrefixLength))
            {
                nextHop = route.IsOnLink ? destination : route.Gateway;
                return true;
            }
        }
        nextHop = default;
        return false;
    }

    private bool IsOnLink(Ipv4Address address) => _ipv4.Any(r => r.IsOnLink && address.IsInSubnet(r.Prefix, r.PrefixLength));

    private bool IsOnLink(Ipv6Address address) => _ipv6.Any(r => r.IsOnLink && address.IsInSubnet(r.Prefix, r.PrefixLength));
}
