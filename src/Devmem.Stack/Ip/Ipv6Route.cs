using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>An IPv6 route: destinations in <paramref name="Prefix"/>/<paramref name="PrefixLength"/> go to <paramref name="Gateway"/>, or straight to the destination when the gateway is unspecified (on-link, RFC 4861 §5.2).</summary>
/// <param name="Prefix">The destination prefix (host bits ignored).</param>
/// <param name="PrefixLength">0..128; 0 is the default route.</param>
/// <param name="Gateway">The next hop (normally a router's link-local address, RFC 4861 §8); :: for an on-link prefix.</param>
public readonly record struct Ipv6Route(Ipv6Address Prefix, int PrefixLength, Ipv6Address Gateway)
{
    /// <summary>Destinations in the prefix are on the link.</summary>
    public bool IsOnLink => Gateway.IsUnspecified;
}
