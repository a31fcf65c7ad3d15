using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

public sealed partial class IpInterface
{
    // RFC 1122 §3.2.1 and RFC 1812 §5.2.2's checks for a host, in IpDropReason's order.
    private void ReceiveIpv4(ReadOnlySpan<byte> frame, int detachedLength, long now, IFrameSink sink)
    {
        var packet = frame.Slice(EthernetView.HeaderLength);
        if (!Ipv4Repr.TryParse(packet, detachedLength, out var ip, out var error))
        {
            Counters.Drop(FromParseError(error));
            return;
        }
        if (ip.Ttl == 0)
        {
            Counters.Drop(IpDropReason.ZeroHopLimit);
            return;
        }
        // §3.2.1.3: a datagram from a broadcast, multicast, loopback or unspecified source is discarded.
        var source = ip.Source;
        if (!source.IsUnicast || source.IsLoopback || (_hasIpv4 && _ipv4.IsSubnetBroadcast(source)))
        {
            Counters.Drop(IpDropReason.BadSourceAddress);
            return;
        }
        if (!_hasIpv4 || ip.Destination != _ipv4.Address)
        {
            Counters.Drop(IpDropReason.NotOurAddress);
            return;
        }
        if (ip.IsFragment)
        {
            Counters.Drop(IpDropReason.Fragment);
            return;
        }
        var info = new IpPacketInfo(
            source,
            ip.Destination,
            ip.Protocol,
            EthernetView.HeaderLength + ip.HeaderLength,
            ip.PayloadLength,
            InternetChecksum.PseudoHeaderIPv4(packet.Slice(12, Ipv4Address.Length), packet.Slice(16, Ipv4Address.Length), (byte)ip.Protocol, ip.PayloadLength),
            ip.Ttl,
            ip.Ecn);
        Counters.Ipv4Received++;
        if (ip.Protocol == IpProtocol.Icmp)
        {
            ReceiveIcmpv4(info, frame, now, sink);
        }
        else
        {
            Deliver(info, frame, now, IpDropReason.UnknownProtocol);
        }
    }

    private void ReceiveIcmpv4(in IpPacketInfo packet, ReadOnlySpan<byte> frame, long now, IFrameSink sink)
    {
        var message = packet.GetPayload(frame);
        if (!Icmpv4Repr.TryParse(message, out var icmp, out var error))
        {
            Counters.Drop(error == WireParseError.BadChecksum ? IpDropReason.IcmpBadChecksum : IpDropReason.IcmpTruncated);
            return;
        }
        if (icmp.Type == Icmpv4Type.EchoRequest)
        {
            // RFC 1122 §3.2.2.6: every host implements an echo server; the reply returns the data unchanged,
            // from the address the request was sent to.
            ReplyToEcho(packet.Source, packet.Destination, IpProtocol.Icmp, icmp.Identifier, icmp.SequenceNumber,
                message.Slice(Icmpv4View.HeaderLength), now, sink);
            return;
        }
        Deliver(packet, frame, now, IpDropReason.IcmpUnhandled);
    }
}
