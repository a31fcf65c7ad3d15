using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>
/// IPv6 address resolution (RFC 4861 §7.2): answers Neighbor Solicitations for our addresses,
/// applies Neighbor Advertisements to the <see cref="NeighborCache{TAddress}"/>, and sends the
/// solicitations it asks for. Duplicate address detection is not performed; a solicitation from
/// another node's DAD is answered (§7.2.4).
/// </summary>
internal sealed class NdpResolver : INeighborSolicitor<Ipv6Address>
{
    private const int HeadersLength = EthernetView.HeaderLength + Ipv6View.HeaderLength;

    private readonly MacAddress _mac;
    private readonly Ipv6AddressSet _addresses;
    private readonly IpCounters _counters;

    public NdpResolver(MacAddress mac, Ipv6AddressSet addresses, NeighborOptions options, FrameBufferPool pool, IpCounters counters)
    {
        _mac = mac;
        _addresses = addresses;
        _counters = counters;
        Cache = new NeighborCache<Ipv6Address>(this, options, pool, counters);
    }

    public NeighborCache<Ipv6Address> Cache { get; }

    /// <summary>
    /// A Neighbor Solicitation or Advertisement whose ICMPv6 checksum verified. §7.1.1 and §7.1.2's
    /// checks come first: Hop Limit 255 (so it cannot have come through a router), then the message's own.
    /// </summary>
    public void Receive(ReadOnlySpan<byte> message, Ipv6Address source, Ipv6Address destination, byte hopLimit, MacAddress frameSource,
        long now, IFrameSink sink)
    {
        if (hopLimit != NdpRepr.RequiredHopLimit
            || !NdpRepr.TryParse(message, source, destination, out var nd, out _, verifyChecksum: false))
        {
            _counters.Drop(IpDropReason.NdpInvalid);
            return;
        }
        if (nd.Type == Icmpv6Type.NeighborSolicitation)
        {
            OnSolicitation(nd, source, frameSource, now, sink);
        }
        else
        {
            OnAdvertisement(nd, now, sink);
        }
    }

    /// <summary>
    /// A solicitation for <paramref name="target"/> (§7.2.2): to its solicited-node group to resolve,
    /// or unicast to probe; from our address best suited to the target, with our link-layer address.
    /// </summary>
    public void Solicit(Ipv6Address target, MacAddress? unicastTo, IFrameSink sink)
    {
        var destination = unicastTo is null ? target.SolicitedNodeMulticast : target;
        if (Send(NdpRepr.NeighborSolicitation(target, _mac), _addresses.SelectSource(target), destination,
            unicastTo ?? destination.MulticastMacAddress, sink))
        {
            _counters.NeighborSolicitationsSent++;
        }
    }

    // §7.2.3 and §7.2.4.
    private void OnSolicitation(in NdpRepr solicitation, Ipv6Address source, MacAddress frameSource, long now, IFrameSink sink)
    {
        var target = solicitation.TargetAddress;
        if (!_addresses.IsAssigned(target))
        {
            _counters.Drop(IpDropReason.NotOurAddress);
            return;
        }
        if (source.IsUnspecified)
        {
            // §7.2.4: another node's duplicate address detection: "the node MUST set the Solicited flag
            // to zero and multicast the advertisement to the all-nodes address".
            Advertise(target, Ipv6Address.AllNodesLinkLocal, Ipv6Address.AllNodesLinkLocal.MulticastMacAddress, solicited: false, sink);
            return;
        }
        if (solicitation.SourceLinkLayerAddress is { } sourceLinkAddress)
        {
            // §7.2.3: create or update the sender's entry; a new or changed address is STALE.
            Cache.Update(source, sourceLinkAddress, confirmed: false, @override: true, create: true, now, sink);
        }
        // A unicast solicitation may omit the option; its frame's source is then the sender's address.
        Advertise(target, source, solicitation.SourceLinkLayerAddress ?? frameSource, solicited: true, sink);
    }

    // §7.2.5.
    private void OnAdvertisement(in NdpRepr advertisement, long now, IFrameSink sink)
    {
        if (_addresses.IsAssigned(advertisement.TargetAddress))
        {
            // Another node claims one of our addresses (RFC 4862 §5.4.4).
            _counters.Drop(IpDropReason.AddressConflict);
            return;
        }
        Cache.Update(advertisement.TargetAddress, advertisement.TargetLinkLayerAddress, confirmed: advertisement.IsSolicited,
            @override: advertisement.IsOverride, create: false, now, sink);
    }

    // §7.2.4: from the target address, Override set (the address is not anycast), Router clear (a host).
    private void Advertise(Ipv6Address target, Ipv6Address destination, MacAddress destinationMac, bool solicited, IFrameSink sink)
    {
        var advertisement = NdpRepr.NeighborAdvertisement(target, router: false, solicited, @override: true, _mac);
        if (Send(advertisement, target, destination, destinationMac, sink))
        {
            _counters.NeighborAdvertisementsSent++;
        }
    }

    private bool Send(in NdpRepr message, Ipv6Address source, Ipv6Address destination, MacAddress destinationMac, IFrameSink sink)
    {
        var frame = sink.Reserve();
        if (frame.IsEmpty)
        {
            _counters.Drop(IpDropReason.SinkFull);
            return false;
        }
        int length = message.BufferLength;
        new EthernetRepr { Destination = destinationMac, Source = _mac, EtherType = EtherType.Ipv6 }.Emit(frame);
        new Ipv6Repr
        {
            Source = source,
            Destination = destination,
            NextHeader = IpProtocol.Icmpv6,
            PayloadLength = length,
            HopLimit = NdpRepr.RequiredHopLimit,
        }.Emit(frame.Slice(EthernetView.HeaderLength));
        message.Emit(frame.Slice(HeadersLength), source, destination);
        sink.Commit(HeadersLength + length);
        return true;
    }
}
