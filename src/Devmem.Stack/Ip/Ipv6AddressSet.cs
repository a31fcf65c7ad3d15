using System.Numerics;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>
/// An interface's IPv6 addresses: the link-local address derived from its MAC (RFC 4862 §5.3,
/// RFC 4291 appendix A) first, then the configured ones. Answers which destinations are ours
/// (including the multicast groups every node joins, RFC 4291 §2.8), which multicast MACs the NIC
/// must accept, and which source to use towards a destination.
/// </summary>
internal sealed class Ipv6AddressSet
{
    private readonly Ipv6InterfaceAddress[] _addresses;

    public Ipv6AddressSet(MacAddress mac, IEnumerable<Ipv6InterfaceAddress> configured)
    {
        var linkLocal = new Ipv6InterfaceAddress(Ipv6Address.LinkLocalFromMac(mac), 64);
        _addresses = [linkLocal, .. configured.Where(a => a.Address != linkLocal.Address).DistinctBy(a => a.Address)];
        foreach (var a in _addresses)
        {
            if (!a.Address.IsUnicast || a.Address.IsLoopback || a.PrefixLength is < 0 or > 128)
            {
                throw new ArgumentException($"{a.Address}/{a.PrefixLength} cannot be an interface address: it must be unicast with a prefix of 0..128.");
            }
        }
        MulticastMacs = [.. _addresses.Select(a => a.Address.SolicitedNodeMulticast.MulticastMacAddress)
            .Prepend(Ipv6Address.AllNodesLinkLocal.MulticastMacAddress).Distinct()];
    }

    /// <summary>Link-local first.</summary>
    public IReadOnlyList<Ipv6InterfaceAddress> Addresses => _addresses;

    public Ipv6Address LinkLocal => _addresses[0].Address;

    /// <summary>The Ethernet groups joined: all-nodes and each address's solicited-node group (RFC 2464 §7).</summary>
    public MacAddress[] MulticastMacs { get; }

    public bool IsAssigned(Ipv6Address address)
    {
        foreach (var a in _addresses)
        {
            if (a.Address == address)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>One of our addresses, all-nodes, or the solicited-node group of one of ours.</summary>
    public bool Accepts(Ipv6Address destination)
    {
        if (!destination.IsMulticast)
        {
            return IsAssigned(destination);
        }
        if (destination == Ipv6Address.AllNodesLinkLocal)
        {
            return true;
        }
        if (destination.IsSolicitedNodeMulticast)
        {
            foreach (var a in _addresses)
            {
                if (a.Address.SolicitedNodeMulticast == destination)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// RFC 6724 §5, reduced to what a host with one interface needs: the link-local address for
    /// link-scope destinations (rule 2, appropriate scope), else the configured address sharing the
    /// longest prefix with the destination (rule 8), else the link-local address.
    /// </summary>
    public Ipv6Address SelectSource(Ipv6Address destination)
    {
        if (destination.IsLinkLocal || (destination.IsMulticast && destination.MulticastScope <= 2))
        {
            return LinkLocal;
        }
        var best = LinkLocal;
        int bestLength = -1;
        for (int i = 1; i < _addresses.Length; i++)
        {
            var candidate = _addresses[i].Address;
            if (candidate.IsLinkLocal)
            {
                continue;
            }
            int length = CommonPrefixLength(candidate, destination);
            if (length > bestLength)
            {
                best = candidate;
                bestLength = length;
            }
        }
        return best;
    }

    private static int CommonPrefixLength(Ipv6Address a, Ipv6Address b)
    {
        ulong high = a.High ^ b.High;
        return high != 0 ? BitOperations.LeadingZeroCount(high) : 64 + BitOperations.LeadingZeroCount(a.Low ^ b.Low);
    }
}
