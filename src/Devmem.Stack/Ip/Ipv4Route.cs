using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>An IPv4 route: destinations in <paramref name="Prefix"/>/<paramref name="PrefixLength"/> go to <paramref name="Gateway"/>, or straight to the destination when the gateway is unspecified (on-link).</summary>
/// <param name="Prefix">The destination prefix (host bits ignored).</param>
/// <param name="PrefixLength">0..32; 0 is the default route.</param>
/// <param name="Gateway">The next hop; 0.0.0.0 for an on-link prefix.</param>
public readonly record struct Ipv4Route(Ipv4Address Prefix, int PrefixLength, Ipv4Address Gateway)
{
    /// <summary>Destinations in the prefix are on the link.</summary>
    public bool IsOnLink => Gateway.IsUnspecified;
}
