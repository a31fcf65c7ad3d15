using CsCheck;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Tests.Ip;
using Devmem.Stack.Tests.Tcp;
using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;
using PacketDotNet;

namespace Devmem.Stack.Tests.Link;

/// <summary>
/// Software segmentation before a fault injector: a GSO frame becomes byte for byte the frames the engine's own
/// per-piece sending makes, every one of them valid to an independent parser; a partial checksum is completed;
/// what is not a TCP segment, or does not fit, is refused with nothing written.
/// </summary>
public sealed class SoftwareSegmentationTests
{
    private const int FrameLength = 1518;
    private const int SegmentSize = 1448;

    private static readonly TcpHeader Data = new()
    {
        SourcePort = 40000,
        DestinationPort = 5201,
        SequenceNumber = 0xFFFF_F000,
        AcknowledgmentNumber = 1,
        Flags = TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin | TcpFlags.Cwr,
        Window = 512,
    };

    [Theory]
    [InlineData(4, 10 * SegmentSize + 100)]
    [InlineData(6, 10 * SegmentSize + 100)]
    [InlineData(4, 3 * SegmentSize)]
    [InlineData(6, SegmentSize + 1)]
    public void A_gso_frame_becomes_the_frames_sending_each_piece_makes(int version, int dataLength)
    {
        // What fits an MTU of 1500 after each family's header.
        int segmentSize = version == 4 ? SegmentSize : SegmentSize - 20;
        IpAddress destination = version == 4 ? GoldenFrames.Ip4B : GoldenFrames.Ip6B;
        byte[] data = TcpBench.Pattern(dataLength);
        var request = new IpSendRequest { Destination = destination, Protocol = IpProtocol.Tcp };

        // One host sends the segment whole, another (in the same state) sends each piece as the engine's software GSO does.
        IpInterface whole = Hosts.AWithNeighbor(destination);
        var sink = new FrameBatch(2, FrameLength, new GsoBufferPool(1, FrameLength, GsoFrame.MaxLength));
        Assert.Equal(IpSendResult.Sent, whole.SendGso(request, new TcpSegmentPayload(Data, data), segmentSize, Data.HeaderLength, sink, 0));
        Assert.True(sink.TryGetOffload(0, out VirtioNetHeader offload));

        IpInterface pieces = Hosts.AWithNeighbor(destination);
        var expected = new List<byte[]>();
        for (int offset = 0; offset < dataLength; offset += segmentSize)
        {
            int length = Math.Min(segmentSize, dataLength - offset);
            var one = Hosts.Sink();
            pieces.Send(request, new TcpSegmentPayload(Data.GsoPiece(offset, length, dataLength), data.AsSpan(offset, length)), one, 0);
            expected.AddRange(one.Take());
        }

        var output = new RecordingWriter(FrameLength);
        Assert.True(SoftwareSegmentation.TryWrite(sink[0], offload, new byte[FrameLength], output, out int segments));
        Assert.Equal(expected.Count, segments);
        Assert.Equal(expected.Count, output.Frames.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], output.Frames[i]);
            var packet = Packet.ParsePacket(LinkLayers.Ethernet, output.Frames[i]);
            Assert.True(packet.Extract<TcpPacket>().ValidChecksum);
            if (version == 4)
            {
                Assert.True(packet.Extract<IPv4Packet>().ValidIPChecksum);
            }
        }

        sink.Clear();
    }

    // Any length, segment size and flags, either family: segmenting the whole frame is sending the pieces.
    [Fact]
    public void Segmenting_is_sending_the_pieces_for_any_length_size_and_flags()
    {
        Gen.Select(Gen.Bool, Gen.Int[1, 20_000], Gen.Int[200, 1428], Gen.Int[0, 7]).Sample((ipv6, dataLength, segmentSize, flagBits) =>
        {
            TcpFlags flags = TcpFlags.Ack
                | ((flagBits & 1) != 0 ? TcpFlags.Cwr : 0)
                | ((flagBits & 2) != 0 ? TcpFlags.Psh : 0)
                | ((flagBits & 4) != 0 ? TcpFlags.Fin : 0);
            TcpHeader header = Data with { Flags = flags };
            IpAddress destination = ipv6 ? GoldenFrames.Ip6B : GoldenFrames.Ip4B;
            byte[] data = TcpBench.Pattern(dataLength);
            var request = new IpSendRequest { Destination = destination, Protocol = IpProtocol.Tcp };

            IpInterface whole = Hosts.AWithNeighbor(destination);
            var sink = new FrameBatch(2, FrameLength, new GsoBufferPool(1, FrameLength, GsoFrame.MaxLength));
            Assert.Equal(IpSendResult.Sent, whole.SendGso(request, new TcpSegmentPayload(header, data), segmentSize, header.HeaderLength, sink, 0));
            sink.TryGetOffload(0, out VirtioNetHeader offload);
            var output = new RecordingWriter(FrameLength);
            Assert.True(SoftwareSegmentation.TryWrite(sink[0], offload, new byte[FrameLength], output, out _));

            IpInterface pieces = Hosts.AWithNeighbor(destination);
            int index = 0;
            for (int offset = 0; offset < dataLength; offset += segmentSize, index++)
            {
                int length = Math.Min(segmentSize, dataLength - offset);
                var one = Hosts.Sink();
                pieces.Send(request, new TcpSegmentPayload(header.GsoPiece(offset, length, dataLength), data.AsSpan(offset, length)), one, 0);
                Assert.Equal(one.Take()[0], output.Frames[index]);
            }

            Assert.Equal(index, output.Frames.Count);
            sink.Clear();
        }, iter: 200);
    }

    [Fact]
    public void A_partial_checksum_is_completed()
    {
        IpInterface host = Hosts.AWithNeighbor(GoldenFrames.Ip4B);
        var sink = Hosts.Sink();
        var request = new IpSendRequest { Destination = GoldenFrames.Ip4B, Protocol = IpProtocol.Tcp };
        host.Send(request, new TcpSegmentPayload(Data, TcpBench.Pattern(999)), sink, 0);
        byte[] frame = sink.Take()[0];
        int transport = EthernetView.HeaderLength + Ipv4View.MinHeaderLength;
        var ip = new Ipv4View(frame.AsSpan(EthernetView.HeaderLength));
        TcpChecksum.FillPartial(frame.AsSpan(transport), TcpChecksum.PseudoHeaderSumIPv4(
            frame.AsSpan(EthernetView.HeaderLength + 12, 4), frame.AsSpan(EthernetView.HeaderLength + 16, 4), ip.TotalLength - ip.HeaderLength));
        Assert.False(Packet.ParsePacket(LinkLayers.Ethernet, frame).Extract<TcpPacket>().ValidChecksum);

        var output = new RecordingWriter(FrameLength);
        var partial = VirtioNetHeader.ForTcp(ipv6: false, (ushort)transport, (ushort)(transport + Data.HeaderLength), gsoSize: 0);
        Assert.True(SoftwareSegmentation.TryWrite(frame, partial, new byte[FrameLength], output, out int segments));
        Assert.Equal(1, segments);
        Assert.True(Packet.ParsePacket(LinkLayers.Ethernet, output.Frames[0]).Extract<TcpPacket>().ValidChecksum);
    }

    [Fact]
    public void What_is_no_tcp_segment_or_does_not_fit_is_refused_with_nothing_written()
    {
        var output = new RecordingWriter(FrameLength);
        var gso = new VirtioNetHeader { GsoType = VirtioNetGsoType.TcpV4, GsoSize = SegmentSize, Flags = VirtioNetFlags.NeedsChecksum };
        Assert.False(SoftwareSegmentation.TryWrite(LinkFrames.Numbered(1), gso, new byte[FrameLength], output, out _));
        Assert.False(SoftwareSegmentation.TryWrite(new byte[10], gso, new byte[FrameLength], output, out _));

        // A whole frame whose segments would be longer than the room given.
        IpInterface host = Hosts.AWithNeighbor(GoldenFrames.Ip4B);
        var sink = new FrameBatch(2, FrameLength, new GsoBufferPool(1, FrameLength, GsoFrame.MaxLength));
        var request = new IpSendRequest { Destination = GoldenFrames.Ip4B, Protocol = IpProtocol.Tcp };
        host.SendGso(request, new TcpSegmentPayload(Data, TcpBench.Pattern(4 * SegmentSize)), SegmentSize, Data.HeaderLength, sink, 0);
        sink.TryGetOffload(0, out VirtioNetHeader offload);
        Assert.False(SoftwareSegmentation.TryWrite(sink[0], offload, new byte[1000], output, out _));

        // A frame cut short: its IP length says more than it holds.
        Assert.False(SoftwareSegmentation.TryWrite(sink[0][..^1], offload, new byte[FrameLength], output, out _));
        Assert.Empty(output.Frames);
        sink.Clear();
    }
}
