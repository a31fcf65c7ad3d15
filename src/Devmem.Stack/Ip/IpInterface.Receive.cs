using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

public sealed partial class IpInterface
{
    /// <summary>
    /// Processes one received Ethernet frame (no FCS): ARP and neighbour discovery update the caches,
    /// echo requests are answered, other datagrams for us go to their upper layer; everything else is
    /// counted by <see cref="IpDropReason"/>. Replies and released packets go to <paramref name="sink"/>.
    /// </summary>
    public void Receive(ReadOnlySpan<byte> frame, long now, IFrameSink sink) => Receive(frame, 0, now, sink);

    /// <summary>
    /// <see cref="Receive(ReadOnlySpan{byte}, long, IFrameSink)"/> for a frame whose TCP payload the NIC split
    /// off before it reached host memory: <paramref name="frame"/> holds the headers, and the datagram's
    /// lengths are checked as if <paramref name="detachedLength"/> more bytes followed them (Linux checks
    /// <c>skb-&gt;len</c>, frags included, not the linear part). The upper layer finds the segment's
    /// header at <see cref="IpPacketInfo.PayloadOffset"/>; only TCP segments are ever split.
    /// </summary>
    public void Receive(ReadOnlySpan<byte> frame, int detachedLength, long now, IFrameSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Counters.FramesReceived++;
        if (!EthernetView.TryCreate(frame, out var ethernet, out _))
        {
            Counters.Drop(IpDropReason.FrameTruncated);
            return;
        }
        if (!IsOurs(ethernet.Destination))
        {
            Counters.Drop(IpDropReason.NotOurMac);
            return;
        }
        if (ethernet.HasVlanTag)
        {
            Counters.Drop(IpDropReason.VlanTagged);
            return;
        }
        switch (ethernet.EtherType)
        {
            case EtherType.Arp when _arp is not null:
                _arp.Receive(ethernet.Payload, now, sink);
                break;
            case EtherType.Arp:
                Counters.Drop(IpDropReason.ArpNotForUs);
                break;
            case EtherType.Ipv4:
                ReceiveIpv4(frame, detachedLength, now, sink);
                break;
            case EtherType.Ipv6:
                ReceiveIpv6(frame, detachedLength, ethernet.Source, now, sink);
                break;
            default:
                Counters.Drop(IpDropReason.UnknownEtherType);
                break;
        }
    }

    // Our MAC, broadcast, or a group joined (all-nodes and the solicited-node groups, RFC 2464 §7).
    private bool IsOurs(MacAddress destination)
    {
        if (destination == _mac || destination.IsBroadcast)
        {
            return true;
        }
        if (destination.IsMulticast)
        {
            foreach (var joined in _multicastMacs)
            {
                if (joined == destination)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private void Deliver(in IpPacketInfo packet, ReadOnlySpan<byte> frame, long now, IpDropReason unhandled)
    {
        var upperLayer = _upperLayers[(byte)packet.Protocol];
        if (upperLayer is null)
        {
            Counters.Drop(unhandled);
            return;
        }
        Counters.Delivered++;
        upperLayer.Receive(packet, frame, now);
    }

    private void ReplyToEcho(IpAddress requester, IpAddress replySource, IpProtocol protocol, ushort identifier, ushort sequenceNumber,
        ReadOnlySpan<byte> data, long now, IFrameSink sink)
    {
        var reply = new IpSendRequest { Destination = requester, Source = replySource, Protocol = protocol };
        if (Send(reply, new IcmpEchoWriter(isReply: true, identifier, sequenceNumber, data), sink, now) != IpSendResult.Dropped)
        {
            Counters.EchoRepliesSent++;
        }
    }

    private static IpDropReason FromParseError(WireParseError error) => error switch
    {
        WireParseError.Truncated => IpDropReason.Truncated,
        WireParseError.BadVersion => IpDropReason.BadVersion,
        WireParseError.BadHeaderLength => IpDropReason.BadHeaderLength,
        WireParseError.BadTotalLength => IpDropReason.BadLength,
        WireParseError.BadChecksum => IpDropReason.BadChecksum,
        WireParseError.BadOptionLength => IpDropReason.BadOptions,
        _ => IpDropReason.Malformed,
    };
}
