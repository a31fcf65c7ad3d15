using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>
/// ARP for an Ethernet interface with one IPv4 address (RFC 826): answers requests for our address,
/// learns from requests and replies by RFC 826's merge rule, handles RFC 5227's probes and
/// announcements, and sends the requests its <see cref="NeighborCache{TAddress}"/> asks for.
/// </summary>
internal sealed class ArpResolver : INeighborSolicitor<Ipv4Address>
{
    private const int FrameLength = EthernetView.HeaderLength + ArpView.Length;

    private readonly MacAddress _mac;
    private readonly Ipv4Address _address;
    private readonly IpCounters _counters;

    public ArpResolver(MacAddress mac, Ipv4Address address, NeighborOptions options, FrameBufferPool pool, IpCounters counters)
    {
        _mac = mac;
        _address = address;
        _counters = counters;
        Cache = new NeighborCache<Ipv4Address>(this, options, pool, counters);
    }

    public NeighborCache<Ipv4Address> Cache { get; }

    /// <summary>One ARP packet (the Ethernet payload), per RFC 826 "Packet Reception".</summary>
    public void Receive(ReadOnlySpan<byte> packet, long now, IFrameSink sink)
    {
        if (!ArpRepr.TryParse(packet, out var arp, out _) || !IsValid(arp))
        {
            _counters.Drop(IpDropReason.ArpInvalid);
            return;
        }
        var sender = arp.SenderProtocolAddress;
        bool forUs = arp.TargetProtocolAddress == _address;
        if (sender == _address)
        {
            // Another station uses our address (RFC 5227 §2.4), or our own frame came back.
            _counters.Drop(arp.SenderHardwareAddress != _mac ? IpDropReason.AddressConflict : IpDropReason.ArpNotForUs);
            return;
        }
        if (sender.IsUnspecified)
        {
            // An ARP Probe (RFC 5227 §2.1.1): it teaches nothing, but a probe for our address is answered
            // so that the prober sees the address is taken.
            if (forUs && arp.Operation == ArpOperation.Request)
            {
                Reply(arp, sink);
            }
            else
            {
                _counters.Drop(IpDropReason.ArpNotForUs);
            }
            return;
        }

        // RFC 826: "If the pair <protocol type, sender protocol address> is already in my translation
        // table, update the sender hardware address field" (merge); "Am I the target protocol address?
        // Yes: If Merge_flag is false, add the triplet". A reply to us answers our request: the sender
        // is reachable. A gratuitous ARP (sender = target, RFC 5227 §3) thus refreshes an entry but never
        // creates one.
        Cache.Update(sender, arp.SenderHardwareAddress, confirmed: forUs && arp.Operation == ArpOperation.Reply,
            @override: true, create: forUs, now, sink);
        if (!forUs)
        {
            _counters.Drop(IpDropReason.ArpNotForUs);
            return;
        }
        if (arp.Operation == ArpOperation.Request)
        {
            Reply(arp, sink);
        }
    }

    /// <summary>A request for <paramref name="target"/>: broadcast to resolve, unicast to probe a stale entry (as Linux does).</summary>
    public void Solicit(Ipv4Address target, MacAddress? unicastTo, IFrameSink sink)
    {
        if (Send(ArpRepr.Request(_mac, _address, target), unicastTo ?? MacAddress.Broadcast, sink))
        {
            _counters.ArpRequestsSent++;
        }
    }

    // A sender hardware address must be an individual address (RFC 1122 §2.3.2.1 forbids learning a
    // broadcast one), and neither address may be multicast, broadcast or loopback.
    private static bool IsValid(in ArpRepr arp) =>
        arp.SenderHardwareAddress.IsUnicast && !arp.SenderHardwareAddress.IsZero
        && !IsSpecial(arp.SenderProtocolAddress) && !IsSpecial(arp.TargetProtocolAddress);

    private static bool IsSpecial(Ipv4Address address) => address.IsMulticast || address.IsBroadcast || address.IsLoopback;

    // RFC 826: "swap hardware and protocol fields, putting the local hardware and protocol addresses
    // in the sender fields", set the opcode to reply and send it to the requester.
    private void Reply(in ArpRepr request, IFrameSink sink)
    {
        if (Send(request.ReplyFrom(_mac), request.SenderHardwareAddress, sink))
        {
            _counters.ArpRepliesSent++;
        }
    }

    private bool Send(in ArpRepr arp, MacAddress destination, IFrameSink sink)
    {
        var frame = sink.Reserve();
        if (frame.IsEmpty)
        {
            _counters.Drop(IpDropReason.SinkFull);
            return false;
        }
        new EthernetRepr { Destination = destination, Source = _mac, EtherType = EtherType.Arp }.Emit(frame);
        arp.Emit(frame.Slice(EthernetView.HeaderLength));
        sink.Commit(FrameLength);
        return true;
    }
}
