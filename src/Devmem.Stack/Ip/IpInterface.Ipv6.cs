using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

public sealed partial class IpInterface
{
    // RFC 8200 §3-§4 and RFC 4291's address rules for a host, in IpDropReason's order.
    private void ReceiveIpv6(ReadOnlySpan<byte> frame, int detachedLength, MacAddress frameSource, long now, IFrameSink sink)
    {
        var packet = frame.Slice(EthernetView.HeaderLength);
        if (!Ipv6Repr.TryParse(packet, detachedLength, out var ip, out var error))
        {
            Counters.Drop(FromParseError(error));
            return;
        }
        if (ip.HopLimit == 0)
        {
            Counters.Drop(IpDropReason.ZeroHopLimit);
            return;
        }
        // RFC 4291 §2.7: "Multicast addresses must not be used as source addresses"; §2.5.3: nor loopback, off the node.
        if (ip.Source.IsMulticast || ip.Source.IsLoopback)
        {
            Counters.Drop(IpDropReason.BadSourceAddress);
            return;
        }
        if (!_ipv6.Accepts(ip.Destination))
        {
            Counters.Drop(IpDropReason.NotOurAddress);
            return;
        }
        if (!Ipv6ExtensionHeaders.TryWalk(packet, detachedLength, _options.MaxExtensionHeaders, out var walk, out _))
        {
            Counters.Drop(IpDropReason.ExtensionHeaderInvalid);
            return;
        }
        if (walk.DepthLimitReached)
        {
            Counters.Drop(IpDropReason.ExtensionHeadersTooDeep);
            return;
        }
        if (walk.IsFragment)
        {
            Counters.Drop(IpDropReason.Fragment);
            return;
        }
        // RFC 4291 §2.5.2: only a node that has no address yet sends from ::, and only neighbour discovery does.
        if (ip.Source.IsUnspecified && walk.UpperProtocol != IpProtocol.Icmpv6)
        {
            Counters.Drop(IpDropReason.BadSourceAddress);
            return;
        }
        var info = new IpPacketInfo(
            ip.Source,
            ip.Destination,
            walk.UpperProtocol,
            EthernetView.HeaderLength + walk.UpperOffset,
            walk.UpperLength,
            InternetChecksum.PseudoHeaderIPv6(packet.Slice(8, Ipv6Address.Length), packet.Slice(24, Ipv6Address.Length), (byte)walk.UpperProtocol, walk.UpperLength),
            ip.HopLimit,
            (byte)(ip.TrafficClass & 0x03));
        Counters.Ipv6Received++;
        if (walk.UpperProtocol == IpProtocol.Icmpv6)
        {
            ReceiveIcmpv6(info, frame, frameSource, now, sink);
        }
        else
        {
            Deliver(info, frame, now, IpDropReason.UnknownProtocol);
        }
    }

    private void ReceiveIcmpv6(in IpPacketInfo packet, ReadOnlySpan<byte> frame, MacAddress frameSource, long now, IFrameSink sink)
    {
        var message = packet.GetPayload(frame);
        var source = packet.Source.Ipv6;
        var destination = packet.Destination.Ipv6;
        if (!Icmpv6Repr.TryParse(message, source, destination, out var icmp, out var error))
        {
            Counters.Drop(error == WireParseError.BadChecksum ? IpDropReason.IcmpBadChecksum : IpDropReason.IcmpTruncated);
            return;
        }
        switch (icmp.Type)
        {
            case Icmpv6Type.NeighborSolicitation or Icmpv6Type.NeighborAdvertisement:
                _ndp.Receive(message, source, destination, packet.HopLimit, frameSource, now, sink);
                return;
            case Icmpv6Type.EchoRequest when source.IsUnspecified:
                Counters.Drop(IpDropReason.BadSourceAddress);
                return;
            case Icmpv6Type.EchoRequest:
                // RFC 4443 §4.2: reply from the address the request was sent to; for a request to a
                // multicast group, from a unicast address of ours.
                ReplyToEcho(source, destination.IsMulticast ? default : destination, IpProtocol.Icmpv6, icmp.Identifier, icmp.SequenceNumber,
                    message.Slice(Icmpv6View.HeaderLength), now, sink);
                return;
            default:
                Deliver(packet, frame, now, IpDropReason.IcmpUnhandled);
                return;
        }
    }
}
