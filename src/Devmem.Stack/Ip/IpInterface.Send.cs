using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

public sealed partial class IpInterface
{
    /// <summary>
    /// Sends one upper-layer datagram: chooses the source (unless given), the next hop from the routes
    /// and its MAC from the neighbour cache, then writes the Ethernet and IP headers and lets
    /// <paramref name="payload"/> write the rest in place. When the next hop is unresolved the frame is
    /// built in a pool buffer and queued on the neighbour entry; resolution sends it to the sink given
    /// then. IPv4 datagrams carry DF (RFC 1191): the engine never fragments.
    /// </summary>
    /// <returns>Sent, queued, or dropped (counted in <see cref="Counters"/>).</returns>
    /// <exception cref="ArgumentException">The destination has no family.</exception>
    public IpSendResult Send<TWriter>(in IpSendRequest request, TWriter payload, IFrameSink sink, long now)
        where TWriter : IIpPayloadWriter, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(sink);
        return SendPacket(request, payload, sink, now, default);
    }

    /// <summary>
    /// Sends one TCP GSO segment whole (<see cref="IFrameSink.ReserveGso"/>): one frame with the headers once and
    /// up to 64 KiB of payload, and the virtio-net header that says it segments into
    /// <paramref name="segmentSize"/>-byte payloads after a <paramref name="transportHeaderLength"/>-byte TCP header.
    /// <see cref="IpSendResult.Declined"/> when the sink has no room for it or the next hop is unresolved; the
    /// caller then sends the segments one by one.
    /// </summary>
    internal IpSendResult SendGso<TWriter>(in IpSendRequest request, TWriter payload, int segmentSize, int transportHeaderLength, IFrameSink sink, long now)
        where TWriter : IIpPayloadWriter, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(segmentSize, ushort.MaxValue);
        return SendPacket(request, payload, sink, now, new GsoSegmentation((ushort)segmentSize, transportHeaderLength));
    }

    private IpSendResult SendPacket<TWriter>(in IpSendRequest request, TWriter payload, IFrameSink sink, long now, in GsoSegmentation gso)
        where TWriter : IIpPayloadWriter, allows ref struct =>
        request.Destination.Version switch
        {
            IpVersion.V4 => SendIpv4(request, payload, sink, now, gso),
            IpVersion.V6 => SendIpv6(request, payload, sink, now, gso),
            _ => throw new ArgumentException("The destination address has no family (it is default).", nameof(request)),
        };

    private IpSendResult SendIpv4<TWriter>(in IpSendRequest request, TWriter payload, IFrameSink sink, long now, in GsoSegmentation gso)
        where TWriter : IIpPayloadWriter, allows ref struct
    {
        if (!_hasIpv4 || !(request.Source.IsUnspecified || request.Source == (IpAddress)_ipv4.Address))
        {
            return Dropped(IpDropReason.NoSourceAddress);
        }
        var source = _ipv4.Address;
        var destination = request.Destination.Ipv4;
        if (!Fits(Ipv4View.MinHeaderLength + payload.Length, lengthField: Ipv4View.MinHeaderLength + payload.Length, sink, gso))
        {
            return gso.IsNone ? Dropped(IpDropReason.PacketTooBig) : IpSendResult.Declined;
        }
        var lookup = NeighborLookup.Resolved;
        int entry = -1;
        MacAddress mac;
        if (destination.IsBroadcast || _ipv4.IsSubnetBroadcast(destination))
        {
            mac = MacAddress.Broadcast;
        }
        else if (destination.IsMulticast)
        {
            // RFC 1112 §6.4: 01-00-5E-00-00-00 plus the group's low-order 23 bits.
            mac = new MacAddress(0x0100_5E00_0000UL | (destination.Value & 0x7F_FFFF));
        }
        else if (destination.IsUnspecified || destination == source || !_routes.TryGetNextHop(destination, out var nextHop))
        {
            return Dropped(IpDropReason.NoRoute);
        }
        else
        {
            lookup = _arp!.Cache.Lookup(nextHop, now, sink, out mac, out entry);
        }
        if (!TryGetFrameBuffer(lookup, sink, EthernetView.HeaderLength + Ipv4View.MinHeaderLength + payload.Length, gso, out var frame, out int buffer))
        {
            return gso.IsNone ? IpSendResult.Dropped : IpSendResult.Declined;
        }

        new EthernetRepr { Destination = mac, Source = _mac, EtherType = EtherType.Ipv4 }.Emit(frame);
        var header = frame.Slice(EthernetView.HeaderLength);
        byte ttl = request.HopLimit != 0 ? request.HopLimit : _options.DefaultHopLimit;
        int length = payload.Length;
        ushort identification = _nextIdentification;

        // A GSO frame stands for gso_segs datagrams; segmented, each takes the next Identification (as Linux's
        // tcp_gso_segment numbers them), so the ones after it must start past them.
        _nextIdentification += (ushort)(gso.IsNone ? 1 : gso.Segments(length));
        new Ipv4Repr
        {
            Source = source,
            Destination = destination,
            Protocol = request.Protocol,
            PayloadLength = length,
            Ttl = ttl,
            Dscp = request.Dscp,
            Ecn = request.Ecn,
            Identification = identification,
            DontFragment = true,
        }.Emit(header);
        const int payloadOffset = EthernetView.HeaderLength + Ipv4View.MinHeaderLength;
        uint pseudoHeader = InternetChecksum.PseudoHeaderIPv4(header.Slice(12, Ipv4Address.Length), header.Slice(16, Ipv4Address.Length),
            (byte)request.Protocol, length);
        payload.Write(frame.Slice(payloadOffset, length),
            new IpPacketInfo(source, destination, request.Protocol, payloadOffset, length, pseudoHeader, ttl, request.Ecn));

        if (buffer < 0)
        {
            return Committed(sink, payloadOffset + length, gso, ipv6: false, payloadOffset);
        }
        _pending.SetFrameLength(buffer, payloadOffset + length);
        _arp!.Cache.Enqueue(entry, buffer);
        Counters.PacketsQueued++;
        return IpSendResult.Queued;
    }

    private IpSendResult SendIpv6<TWriter>(in IpSendRequest request, TWriter payload, IFrameSink sink, long now, in GsoSegmentation gso)
        where TWriter : IIpPayloadWriter, allows ref struct
    {
        var destination = request.Destination.Ipv6;
        Ipv6Address source;
        if (request.Source.IsUnspecified)
        {
            source = _ipv6.SelectSource(destination);
        }
        else if (request.Source.Version == IpVersion.V6 && _ipv6.IsAssigned(request.Source.Ipv6))
        {
            source = request.Source.Ipv6;
        }
        else
        {
            return Dropped(IpDropReason.NoSourceAddress);
        }
        if (!Fits(Ipv6View.HeaderLength + payload.Length, lengthField: payload.Length, sink, gso))
        {
            return gso.IsNone ? Dropped(IpDropReason.PacketTooBig) : IpSendResult.Declined;
        }
        var lookup = NeighborLookup.Resolved;
        int entry = -1;
        MacAddress mac;
        if (destination.IsMulticast)
        {
            mac = destination.MulticastMacAddress;
        }
        else if (destination.IsUnspecified || _ipv6.IsAssigned(destination) || !_routes.TryGetNextHop(destination, out var nextHop))
        {
            return Dropped(IpDropReason.NoRoute);
        }
        else
        {
            lookup = _ndp.Cache.Lookup(nextHop, now, sink, out mac, out entry);
        }
        if (!TryGetFrameBuffer(lookup, sink, EthernetView.HeaderLength + Ipv6View.HeaderLength + payload.Length, gso, out var frame, out int buffer))
        {
            return gso.IsNone ? IpSendResult.Dropped : IpSendResult.Declined;
        }

        new EthernetRepr { Destination = mac, Source = _mac, EtherType = EtherType.Ipv6 }.Emit(frame);
        var header = frame.Slice(EthernetView.HeaderLength);
        byte hopLimit = request.HopLimit != 0 ? request.HopLimit : _options.DefaultHopLimit;
        int length = payload.Length;
        new Ipv6Repr
        {
            Source = source,
            Destination = destination,
            NextHeader = request.Protocol,
            PayloadLength = length,
            HopLimit = hopLimit,
            TrafficClass = (byte)((request.Dscp << 2) | (request.Ecn & 0x03)),
        }.Emit(header);
        const int payloadOffset = EthernetView.HeaderLength + Ipv6View.HeaderLength;
        uint pseudoHeader = InternetChecksum.PseudoHeaderIPv6(header.Slice(8, Ipv6Address.Length), header.Slice(24, Ipv6Address.Length),
            (byte)request.Protocol, length);
        payload.Write(frame.Slice(payloadOffset, length),
            new IpPacketInfo(source, destination, request.Protocol, payloadOffset, length, pseudoHeader, hopLimit, request.Ecn));

        if (buffer < 0)
        {
            return Committed(sink, payloadOffset + length, gso, ipv6: true, payloadOffset);
        }
        _pending.SetFrameLength(buffer, payloadOffset + length);
        _ndp.Cache.Enqueue(entry, buffer);
        Counters.PacketsQueued++;
        return IpSendResult.Queued;
    }

    // A packet fits the MTU; a GSO frame fits what its IP length field can say (lengthField: the IPv4 total length,
    // the IPv6 payload length) and the sink's large buffers: its segments' sizes are the upper layer's to keep in
    // the MTU.
    private bool Fits(int packetLength, int lengthField, IFrameSink sink, in GsoSegmentation gso) => gso.IsNone
        ? packetLength <= _options.Mtu && EthernetView.HeaderLength + packetLength <= sink.MaxFrameLength
        : lengthField <= ushort.MaxValue && EthernetView.HeaderLength + packetLength <= sink.MaxGsoFrameLength;

    // Where the frame is built: room in the sink when the next hop is known (buffer -1), else a pool
    // buffer to queue on the neighbour entry until it resolves. A GSO frame is built only in the sink: it waits
    // for no neighbour (its segments do, if it is declined), and a missing large buffer is no drop.
    private bool TryGetFrameBuffer(NeighborLookup lookup, IFrameSink sink, int frameLength, scoped in GsoSegmentation gso, out Span<byte> frame, out int buffer)
    {
        buffer = -1;
        frame = default;
        if (!gso.IsNone)
        {
            frame = lookup == NeighborLookup.Resolved ? sink.ReserveGso(frameLength) : default;
            return !frame.IsEmpty;
        }

        switch (lookup)
        {
            case NeighborLookup.Resolved:
                frame = sink.Reserve();
                if (frame.IsEmpty)
                {
                    Counters.Drop(IpDropReason.SinkFull);
                    return false;
                }
                return true;
            case NeighborLookup.Pending when _pending.TryRent(out buffer):
                // The frame is built with a zero destination MAC; the cache writes it on resolution.
                frame = _pending.GetBuffer(buffer);
                return true;
            case NeighborLookup.Pending:
                Counters.Drop(IpDropReason.PoolExhausted);
                return false;
            default:
                Counters.Drop(IpDropReason.NeighborCacheFull);
                return false;
        }
    }

    private IpSendResult Committed(IFrameSink sink, int frameLength, in GsoSegmentation gso, bool ipv6, int transportOffset)
    {
        if (gso.IsNone)
        {
            sink.Commit(frameLength);
        }
        else
        {
            sink.Commit(frameLength, gso.Header(ipv6, transportOffset));
        }

        Counters.PacketsSent++;
        return IpSendResult.Sent;
    }

    private IpSendResult Dropped(IpDropReason reason)
    {
        Counters.Drop(reason);
        return IpSendResult.Dropped;
    }
}
