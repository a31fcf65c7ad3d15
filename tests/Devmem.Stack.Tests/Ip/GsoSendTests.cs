using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Tests.Tcp;
using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;
using PacketDotNet;

namespace Devmem.Stack.Tests.Ip;

/// <summary>
/// A TCP GSO segment sent whole: one frame over the MTU with valid headers and checksum, the virtio-net header
/// that says how it segments, and IPv4 Identifications kept for its segments; declined, with nothing sent or
/// counted, where it cannot go whole.
/// </summary>
public sealed class GsoSendTests
{
    private const int FrameLength = 1518;
    private const int SegmentSize = 1448;

    private static readonly TcpHeader Data = new()
    {
        SourcePort = 40000,
        DestinationPort = 5201,
        SequenceNumber = 1000,
        AcknowledgmentNumber = 1,
        Flags = TcpFlags.Ack | TcpFlags.Psh,
        Window = 512,
    };

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void A_gso_segment_is_one_frame_an_independent_parser_accepts(int version)
    {
        IpAddress destination = Destination(version);
        IpInterface host = Hosts.AWithNeighbor(destination);
        var pool = new GsoBufferPool(2, FrameLength, GsoFrame.MaxLength);
        var sink = new FrameBatch(4, FrameLength, pool);
        byte[] data = TcpBench.Pattern(10 * SegmentSize + 100);

        var request = new IpSendRequest { Destination = destination, Protocol = IpProtocol.Tcp };
        Assert.Equal(IpSendResult.Sent, host.SendGso(request, new TcpSegmentPayload(Data, data), SegmentSize, Data.HeaderLength, sink, 0));

        int ipHeader = version == 4 ? Ipv4View.MinHeaderLength : Ipv6View.HeaderLength;
        int transportOffset = EthernetView.HeaderLength + ipHeader;
        Assert.Equal(transportOffset + Data.HeaderLength + data.Length, sink[0].Length);
        Assert.True(sink.TryGetOffload(0, out VirtioNetHeader offload));
        Assert.Equal(version == 4 ? VirtioNetGsoType.TcpV4 : VirtioNetGsoType.TcpV6, offload.GsoType);
        Assert.Equal(SegmentSize, offload.GsoSize);
        Assert.Equal(VirtioNetFlags.DataValid, offload.Flags);
        Assert.Equal(transportOffset, offload.ChecksumStart);
        Assert.Equal(transportOffset + Data.HeaderLength, offload.HeaderLength);

        var packet = Packet.ParsePacket(LinkLayers.Ethernet, sink[0].ToArray());
        var tcp = packet.Extract<TcpPacket>();
        Assert.True(tcp.ValidChecksum);
        Assert.Equal(data, tcp.PayloadData);
        if (version == 4)
        {
            var ip = packet.Extract<IPv4Packet>();
            Assert.True(ip.ValidIPChecksum);
            Assert.Equal(ipHeader + Data.HeaderLength + data.Length, ip.TotalLength);
        }
        else
        {
            Assert.Equal(Data.HeaderLength + data.Length, packet.Extract<IPv6Packet>().PayloadLength);
        }

        host.AssertNoDrops();
        sink.Clear();
        Assert.Equal(0, pool.Lent);
    }

    [Fact]
    public void The_next_datagram_takes_the_identification_after_the_gso_segments()
    {
        IpInterface host = Hosts.AWithNeighbor(GoldenFrames.Ip4B);
        var sink = new FrameBatch(4, FrameLength, new GsoBufferPool(1, FrameLength, GsoFrame.MaxLength));
        var request = new IpSendRequest { Destination = GoldenFrames.Ip4B, Protocol = IpProtocol.Tcp };
        host.SendGso(request, new TcpSegmentPayload(Data, TcpBench.Pattern(7 * SegmentSize)), SegmentSize, Data.HeaderLength, sink, 0);
        host.Send(request, new TcpSegmentPayload(Data, TcpBench.Pattern(10)), sink, 0);

        ushort first = new Ipv4View(sink[0][EthernetView.HeaderLength..]).Identification;
        ushort next = new Ipv4View(sink[1][EthernetView.HeaderLength..]).Identification;
        Assert.Equal((ushort)(first + 7), next);
        sink.Clear();
    }

    [Fact]
    public void Declined_when_the_next_hop_is_unresolved_and_nothing_is_queued_or_counted()
    {
        IpInterface host = Hosts.A();
        var pool = new GsoBufferPool(1, FrameLength, GsoFrame.MaxLength);
        var sink = new FrameBatch(4, FrameLength, pool);
        var request = new IpSendRequest { Destination = GoldenFrames.Ip4B, Protocol = IpProtocol.Tcp };
        Assert.Equal(IpSendResult.Declined, host.SendGso(request, new TcpSegmentPayload(Data, TcpBench.Pattern(3 * SegmentSize)), SegmentSize, Data.HeaderLength, sink, 0));
        Assert.Equal(0, pool.Lent);
        Assert.Equal(0, host.Counters.PacketsQueued);
        host.AssertNoDrops();
    }

    [Fact]
    public void Declined_when_every_large_buffer_is_lent_or_the_sink_has_none()
    {
        IpInterface host = Hosts.AWithNeighbor(GoldenFrames.Ip4B);
        var request = new IpSendRequest { Destination = GoldenFrames.Ip4B, Protocol = IpProtocol.Tcp };
        byte[] data = TcpBench.Pattern(3 * SegmentSize);
        var sink = new FrameBatch(4, FrameLength, new GsoBufferPool(1, FrameLength, GsoFrame.MaxLength));
        Assert.Equal(IpSendResult.Sent, host.SendGso(request, new TcpSegmentPayload(Data, data), SegmentSize, Data.HeaderLength, sink, 0));
        Assert.Equal(IpSendResult.Declined, host.SendGso(request, new TcpSegmentPayload(Data, data), SegmentSize, Data.HeaderLength, sink, 0));
        Assert.Equal(IpSendResult.Declined, host.SendGso(request, new TcpSegmentPayload(Data, data), SegmentSize, Data.HeaderLength, Hosts.Sink(), 0));
        Assert.Equal(1, sink.Count);
        host.AssertNoDrops();
        sink.Clear();
    }

    [Fact]
    public void Declined_when_the_ip_length_field_cannot_say_the_length()
    {
        IpInterface host = Hosts.AWithNeighbor(GoldenFrames.Ip4B);
        var sink = new FrameBatch(4, FrameLength, new GsoBufferPool(1, FrameLength, GsoFrame.MaxLength));
        var request = new IpSendRequest { Destination = GoldenFrames.Ip4B, Protocol = IpProtocol.Tcp };
        byte[] data = TcpBench.Pattern(ushort.MaxValue - Ipv4View.MinHeaderLength - Data.HeaderLength + 1);
        Assert.Equal(IpSendResult.Declined, host.SendGso(request, new TcpSegmentPayload(Data, data), SegmentSize, Data.HeaderLength, sink, 0));
        Assert.Equal(0, sink.Count);
    }

    private static IpAddress Destination(int version) => version == 4 ? GoldenFrames.Ip4B : GoldenFrames.Ip6B;
}
