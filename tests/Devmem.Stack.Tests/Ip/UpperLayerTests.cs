using Devmem.Stack.Ip;
using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;
using PacketDotNet;

namespace Devmem.Stack.Tests.Ip;

/// <summary>How TCP plugs in: datagrams in with their packet info, segments out through a payload writer.</summary>
public class UpperLayerTests
{
    private static readonly TcpHeader Syn = new()
    {
        SourcePort = 40000,
        DestinationPort = 9999,
        SequenceNumber = 1000,
        Flags = TcpFlags.Syn,
        Window = 65535,
    };

    // Sends a segment to an unresolved neighbour, answers the solicitation, and returns the segment's frame as released.
    private static byte[] TcpFrom(IpInterface sender, IpAddress destination, ReadOnlySpan<byte> data)
    {
        var sink = Hosts.Sink();
        var request = new IpSendRequest { Destination = destination, Protocol = IpProtocol.Tcp };
        Assert.Equal(IpSendResult.Queued, sender.Send(request, new TcpSegmentPayload(Syn, data), sink, 0));
        var answer = destination.Version == IpVersion.V4 ? GoldenFrames.ArpReply : GoldenFrames.NeighborAdvertisement;
        return Assert.Single(sender.Feed(0, answer));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void A_segment_written_in_place_carries_a_checksum_an_independent_parser_accepts(int version)
    {
        IpAddress destination = version == 4 ? GoldenFrames.Ip4B : GoldenFrames.Ip6B;
        var frame = TcpFrom(Hosts.A(), destination, [1, 2, 3, 4, 5]);
        var packet = Packet.ParsePacket(LinkLayers.Ethernet, frame);
        var tcp = packet.Extract<TcpPacket>();
        Assert.NotNull(tcp);
        Assert.True(tcp.ValidChecksum);
        Assert.Equal((40000, 9999), (tcp.SourcePort, tcp.DestinationPort));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, tcp.PayloadData);
        if (version == 4)
        {
            var ip = packet.Extract<IPv4Packet>();
            Assert.True(ip.ValidIPChecksum);
            // DF: the engine never fragments (RFC 1191 path MTU discovery).
            Assert.Equal(2, ip.FragmentFlags);
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void The_upper_layer_gets_addresses_offsets_and_a_pseudo_header_sum_that_verifies_the_segment(int version)
    {
        var a = Hosts.A();
        var b = Hosts.B();
        var tcp = new RecordingUpperLayer();
        b.SetUpperLayer(IpProtocol.Tcp, tcp);
        IpAddress destination = version == 4 ? GoldenFrames.Ip4B : GoldenFrames.Ip6B;
        var frame = TcpFrom(a, destination, [9, 8, 7]);
        Assert.Empty(b.Feed(5, frame));

        var (packet, received) = Assert.Single(tcp.Received);
        Assert.Equal(version == 4 ? IpVersion.V4 : IpVersion.V6, packet.Version);
        Assert.Equal(version == 4 ? (IpAddress)GoldenFrames.Ip4A : GoldenFrames.Ip6A, packet.Source);
        Assert.Equal(destination, packet.Destination);
        Assert.Equal(IpProtocol.Tcp, packet.Protocol);
        Assert.Equal(version == 4 ? 34 : 54, packet.PayloadOffset);
        Assert.Equal(20 + 3, packet.PayloadLength);
        Assert.Equal(64, packet.HopLimit);
        Assert.True(TcpChecksum.Verify(packet.GetPayload(received), packet.PseudoHeaderSum));
        Assert.True(TcpHeader.TryParse(packet.GetPayload(received), out var header, out _));
        Assert.Equal(Syn, header);
        Assert.Equal(1, b.Counters.Delivered);
    }

    [Fact]
    public void Extension_headers_are_walked_to_the_upper_layer_and_link_padding_is_not_payload()
    {
        var b = Hosts.B();
        var upper = new RecordingUpperLayer();
        b.SetUpperLayer((IpProtocol)253, upper);
        var chain = DropReasonTests.DestinationOptionsChain(3, (IpProtocol)253);
        b.Feed(0, Craft.Ipv6(Craft.Ipv6Header(IpProtocol.DestinationOptions), chain));
        var (packet, _) = Assert.Single(upper.Received);
        Assert.Equal(14 + 40 + 24, packet.PayloadOffset);
        Assert.Equal(8, packet.PayloadLength);

        // A 60-byte minimum Ethernet frame around a short IPv4 datagram: the padding is not payload.
        var short4 = Craft.Ipv4(Craft.Ipv4Header((IpProtocol)253), [1, 2]);
        var padded = new byte[60];
        short4.CopyTo(padded, 0);
        b.Feed(1, padded);
        Assert.Equal(2, upper.Received[1].Packet.PayloadLength);
        b.AssertNoDrops();
    }

    [Fact]
    public void An_explicit_source_must_be_ours()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        var request = new IpSendRequest { Destination = GoldenFrames.Ip4B, Source = GoldenFrames.Ip4B, Protocol = IpProtocol.Tcp };
        Assert.Equal(IpSendResult.Dropped, a.Send(request, new BytesPayload([1]), sink, 0));
        Assert.Equal(IpSendResult.Dropped, a.Send(request with { Destination = GoldenFrames.Ip6B, Source = GoldenFrames.Ip4A }, new BytesPayload([1]), sink, 0));
        a.AssertDropped(IpDropReason.NoSourceAddress, 2);

        Assert.True(a.TrySelectSourceAddress(GoldenFrames.Ip6B, out var source));
        Assert.Equal(IpSendResult.Queued, a.Send(request with { Destination = GoldenFrames.Ip6B, Source = source }, new BytesPayload([1]), sink, 0));
    }

    // A TAP or veth with TSO hands the receiver one 64 KiB GSO packet on a 1500-byte link: the MTU bounds what
    // we send, not what we accept (Linux's ip_rcv checks only the IP lengths against the skb).
    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void A_gso_packet_longer_than_the_mtu_is_delivered_whole(int version)
    {
        var b = Hosts.B();
        var tcp = new RecordingUpperLayer();
        b.SetUpperLayer(IpProtocol.Tcp, tcp);
        byte[] segment = new byte[64000];
        segment[12] = 5 << 4;
        byte[] frame = version == 4
            ? Craft.Ipv4(Craft.Ipv4Header(IpProtocol.Tcp), segment)
            : Craft.Ipv6(Craft.Ipv6Header(IpProtocol.Tcp), segment);
        Assert.True(frame.Length > 1514);

        Assert.Empty(b.Feed(0, frame));

        b.AssertNoDrops();
        var (packet, _) = Assert.Single(tcp.Received);
        Assert.Equal(segment.Length, packet.PayloadLength);
    }

    // Header split at the source: the NIC hands IP the headers alone; the datagram's lengths count the payload
    // that stayed in device memory, as Linux's ip_rcv checks skb->len, frags included.
    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Headers_whose_payload_was_split_off_are_checked_with_the_detached_length(int version)
    {
        var b = Hosts.B();
        var tcp = new RecordingUpperLayer();
        b.SetUpperLayer(IpProtocol.Tcp, tcp);
        byte[] segment = new byte[20 + 64000];
        segment[12] = 5 << 4;
        byte[] frame = version == 4
            ? Craft.Ipv4(Craft.Ipv4Header(IpProtocol.Tcp), segment)
            : Craft.Ipv6(Craft.Ipv6Header(IpProtocol.Tcp), segment);
        int headers = frame.Length - 64000;

        b.Receive(frame.AsSpan(0, headers), 64000, 0, Hosts.Sink());
        var (packet, received) = Assert.Single(tcp.Received);
        Assert.Equal(headers, received.Length);
        Assert.Equal(headers - 20, packet.PayloadOffset);
        Assert.Equal(20 + 64000, packet.PayloadLength);

        // One byte short of what the IP header announces is a bad length, detached or not.
        b.Receive(frame.AsSpan(0, headers), 63999, 0, Hosts.Sink());
        b.AssertDropped(IpDropReason.BadLength, 1);
        Assert.Single(tcp.Received);
    }
}
