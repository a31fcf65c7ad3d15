using System.Buffers.Binary;
using Devmem.Memory;
using Devmem.Skb;
using Devmem.Stack.Nic;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Nic;

/// <summary>
/// The NIC's receive aggregation, driven as the engine drives it: which segments join an aggregate
/// (tcp_gro_receive's rules), what the aggregate looks like to IP and TCP, and that every frag comes home.
/// </summary>
public sealed class GroTests
{
    private const int Mss = 1448;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Consecutive_segments_become_one_packet_with_every_frag_and_a_rewritten_ip_length(bool ipv6)
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic())
        {
            byte[] data = NicFrames.Payload(30 * Mss);
            var frames = Enumerable.Range(0, 30).Select(i => Segment(ipv6, 1000 + (uint)(i * Mss), data.AsSpan(i * Mss, Mss))).ToList();
            List<Delivered> delivered = Drive(nic, frames);

            Delivered aggregate = Assert.Single(delivered);
            Assert.Equal(data, aggregate.Payload);
            Assert.Equal(1000u, aggregate.Sequence);
            Assert.Equal(30 * Mss, aggregate.IpPayloadLength - aggregate.TcpHeaderLength);
            Assert.True(aggregate.IpHeaderChecksumValid);
            // 17 frags fill the first skb; the other 13 segments' frags hang on its frag_list.
            Assert.Equal(17, aggregate.FragCount);
            Assert.True(aggregate.HasFragList);

            // TCP counts the 30 wire segments, as Linux's InSegs adds gso_segs.
            Assert.Equal(30, aggregate.GsoSegments);
            NicQueueStats stats = nic.GetQueueStats(aggregate.QueueId);
            Assert.Equal(1, stats.GroPackets);
            Assert.Equal(30, stats.GroWirePackets);
            Assert.Equal(30, stats.Packets);
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void A_gap_in_sequence_lets_the_aggregate_go_and_starts_another()
    {
        List<Delivered> delivered = DriveAndFree([
            Segment(false, 1000, Bytes(Mss)),
            Segment(false, 1000 + Mss, Bytes(Mss)),
            Segment(false, 1000 + 3 * Mss, Bytes(Mss)),
            Segment(false, 1000 + 4 * Mss, Bytes(Mss)),
        ]);

        Assert.Equal([2 * Mss, 2 * Mss], delivered.Select(d => d.Payload.Length));
        Assert.Equal([1000u, 1000u + 3 * Mss], delivered.Select(d => d.Sequence));
    }

    [Fact]
    public void Psh_joins_the_aggregate_and_ends_it_carrying_the_flag()
    {
        List<Delivered> delivered = DriveAndFree([
            Segment(false, 1000, Bytes(Mss)),
            Segment(false, 1000 + Mss, Bytes(Mss), flags: TcpFlags.Ack | TcpFlags.Psh),
            Segment(false, 1000 + 2 * Mss, Bytes(Mss)),
        ]);

        Assert.Equal(2, delivered.Count);
        Assert.Equal(2 * Mss, delivered[0].Payload.Length);
        Assert.Equal(TcpFlags.Ack | TcpFlags.Psh, delivered[0].Flags);
        Assert.Equal(TcpFlags.Ack, delivered[1].Flags);
    }

    [Fact]
    public void A_shorter_segment_joins_and_ends_the_aggregate_and_a_longer_one_does_not_join()
    {
        List<Delivered> delivered = DriveAndFree([
            Segment(false, 1000, Bytes(Mss)),
            Segment(false, 1000 + Mss, Bytes(100)),
            Segment(false, 1000 + Mss + 100, Bytes(Mss)),
            Segment(false, 1000 + 2 * Mss + 100, Bytes(Mss + 1)),
        ]);

        Assert.Equal([Mss + 100, Mss, Mss + 1], delivered.Select(d => d.Payload.Length));
    }

    [Fact]
    public void Fin_joins_and_ends_the_aggregate()
    {
        List<Delivered> delivered = DriveAndFree([
            Segment(false, 1000, Bytes(Mss)),
            Segment(false, 1000 + Mss, Bytes(Mss), flags: TcpFlags.Ack | TcpFlags.Fin | TcpFlags.Psh),
        ]);

        Delivered aggregate = Assert.Single(delivered);
        Assert.Equal(TcpFlags.Ack | TcpFlags.Fin | TcpFlags.Psh, aggregate.Flags);
    }

    public static TheoryData<string> Mismatches => ["port", "ack", "window", "timestamp", "ttl", "cwr", "flow-label"];

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void A_segment_whose_headers_differ_is_delivered_apart(string difference)
    {
        bool ipv6 = difference == "flow-label";
        byte[] first = Segment(ipv6, 1000, Bytes(Mss), timestamp: 7);
        byte[] second = difference switch
        {
            "port" => Segment(ipv6, 1000 + Mss, Bytes(Mss), sourcePort: 40001, timestamp: 7),
            "ack" => Segment(ipv6, 1000 + Mss, Bytes(Mss), ack: 2, timestamp: 7),
            "window" => Segment(ipv6, 1000 + Mss, Bytes(Mss), window: 513, timestamp: 7),
            "timestamp" => Segment(ipv6, 1000 + Mss, Bytes(Mss), timestamp: 8),
            "ttl" => Segment(ipv6, 1000 + Mss, Bytes(Mss), ttl: 63, timestamp: 7),
            "cwr" => Segment(ipv6, 1000 + Mss, Bytes(Mss), flags: TcpFlags.Ack | TcpFlags.Cwr, timestamp: 7),
            "flow-label" => Segment(ipv6, 1000 + Mss, Bytes(Mss), flowLabel: 5, timestamp: 7),
            _ => throw new ArgumentOutOfRangeException(nameof(difference)),
        };

        List<Delivered> delivered = DriveAndFree([first, second]);

        Assert.Equal([Mss, Mss], delivered.Select(d => d.Payload.Length));
    }

    [Fact]
    public void Equal_timestamps_join_and_the_options_stay_on_the_aggregate()
    {
        List<Delivered> delivered = DriveAndFree([
            Segment(false, 1000, Bytes(Mss), timestamp: 7),
            Segment(false, 1000 + Mss, Bytes(Mss), timestamp: 7),
        ]);

        Delivered aggregate = Assert.Single(delivered);
        Assert.Equal(32, aggregate.TcpHeaderLength);
        Assert.Equal(7u, aggregate.Header.Options.Timestamp!.Value.Value);
    }

    [Fact]
    public void Packets_that_cannot_start_an_aggregate_pass_through_in_order()
    {
        List<Delivered> delivered = DriveAndFree([
            // No DF: a datagram that could be fragmented keeps its identity.
            Segment(false, 1000, Bytes(Mss), dontFragment: false),
            Segment(false, 1000 + Mss, Bytes(Mss), dontFragment: false),
            // A pure ACK carries no payload to aggregate.
            Segment(false, 1000 + 2 * Mss, []),
            // A segment with PSH ends as soon as it starts.
            Segment(false, 1000 + 2 * Mss, Bytes(Mss), flags: TcpFlags.Ack | TcpFlags.Psh),
            Segment(false, 1000 + 3 * Mss, Bytes(Mss)),
        ]);

        Assert.Equal([Mss, Mss, 0, Mss, Mss], delivered.Select(d => d.Payload.Length));
    }

    [Fact]
    public void A_bad_ipv4_header_checksum_is_left_for_ip_to_count()
    {
        byte[] corrupt = Segment(false, 1000 + Mss, Bytes(Mss));
        corrupt[EthernetView.HeaderLength + 10] ^= 0xFF;

        List<Delivered> delivered = DriveAndFree([Segment(false, 1000, Bytes(Mss)), corrupt, Segment(false, 1000 + 2 * Mss, Bytes(Mss))]);

        Assert.Equal(3, delivered.Count);
        Assert.False(delivered[1].IpHeaderChecksumValid);
    }

    [Theory]
    [InlineData(false, 45)]
    [InlineData(true, 45)]
    public void An_aggregate_stops_where_the_ip_length_field_ends(bool ipv6, int segmentsThatFit)
    {
        var frames = Enumerable.Range(0, 50).Select(i => Segment(ipv6, (uint)(i * Mss), Bytes(Mss))).ToList();

        List<Delivered> delivered = DriveAndFree(frames);

        Assert.Equal([segmentsThatFit * Mss, (50 - segmentsThatFit) * Mss], delivered.Select(d => d.Payload.Length));
        Assert.All(delivered, d => Assert.True(d.IpPayloadLength <= ushort.MaxValue));
    }

    [Fact]
    public void With_receive_aggregation_off_every_segment_is_its_own_packet()
    {
        var frames = Enumerable.Range(0, 4).Select(i => Segment(false, (uint)(i * Mss), Bytes(Mss))).ToList();

        List<Delivered> delivered = DriveAndFree(frames, new NicOptions { GenericReceiveOffload = false });

        Assert.Equal(4, delivered.Count);
    }

    private static byte[] Bytes(int length) => NicFrames.Payload(length, length);

    // The engine's driver loop (UserSpaceEngine.ReceiveFrame), then the end-of-pass flush.
    private static List<Delivered> Drive(EmulatedNic nic, IEnumerable<byte[]> frames)
    {
        var delivered = new List<Delivered>();
        foreach (byte[] frame in frames)
        {
            Assert.True(nic.ReceiveFrame(frame, null, out NicRxPacket packet));
            if (nic.TryAggregate(packet))
            {
                if (nic.AggregateComplete)
                {
                    TakeAggregate(nic, delivered);
                }

                continue;
            }

            TakeAggregate(nic, delivered);
            if (!nic.TryStartAggregate(packet))
            {
                delivered.Add(new Delivered(packet));
            }
        }

        TakeAggregate(nic, delivered);
        return delivered;
    }

    private static List<Delivered> DriveAndFree(IEnumerable<byte[]> frames, NicOptions? options = null)
    {
        using var scope = MemoryLeakScope.Begin();
        List<Delivered> delivered;
        using (var nic = new EmulatedNic(options))
        {
            delivered = Drive(nic, frames);
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
        return delivered;
    }

    private static void TakeAggregate(EmulatedNic nic, List<Delivered> delivered)
    {
        if (nic.TryTakeAggregate(out NicRxPacket aggregate))
        {
            delivered.Add(new Delivered(aggregate));
        }
    }

    private static byte[] Segment(bool ipv6, uint sequence, ReadOnlySpan<byte> payload, TcpFlags flags = TcpFlags.Ack,
        ushort sourcePort = 40000, uint ack = 1, ushort window = 512, uint? timestamp = null, byte ttl = 64, bool dontFragment = true,
        int flowLabel = 0)
    {
        var tcp = new TcpHeader
        {
            SourcePort = sourcePort,
            DestinationPort = 5201,
            SequenceNumber = sequence,
            AcknowledgmentNumber = ack,
            Flags = flags,
            Window = window,
            Options = timestamp is { } value ? new TcpOptions { Timestamp = new TcpTimestamp(value, 3) } : default,
        };
        int ipHeader = ipv6 ? Ipv6View.HeaderLength : Ipv4View.MinHeaderLength;
        var frame = new byte[EthernetView.HeaderLength + ipHeader + tcp.HeaderLength + payload.Length];
        new EthernetRepr { Destination = NicFrames.MacB, Source = NicFrames.MacA, EtherType = ipv6 ? EtherType.Ipv6 : EtherType.Ipv4 }.Emit(frame);
        Span<byte> ip = frame.AsSpan(EthernetView.HeaderLength);
        if (ipv6)
        {
            new Ipv6Repr
            {
                Source = NicFrames.Ip6A,
                Destination = NicFrames.Ip6B,
                NextHeader = IpProtocol.Tcp,
                HopLimit = ttl,
                PayloadLength = tcp.HeaderLength + payload.Length,
            }.Emit(ip);
            ip[3] = (byte)flowLabel;
        }
        else
        {
            new Ipv4Repr
            {
                Source = NicFrames.Ip4A,
                Destination = NicFrames.Ip4B,
                Protocol = IpProtocol.Tcp,
                Ttl = ttl,
                DontFragment = dontFragment,
                Identification = (ushort)sequence,
                PayloadLength = tcp.HeaderLength + payload.Length,
            }.Emit(ip);
        }

        Span<byte> segment = ip[ipHeader..];
        tcp.Emit(segment);
        payload.CopyTo(segment[tcp.HeaderLength..]);
        uint pseudo = ipv6
            ? TcpChecksum.PseudoHeaderSumIPv6(ip[8..24], ip[24..40], segment.Length)
            : TcpChecksum.PseudoHeaderSumIPv4(ip[12..16], ip[16..20], segment.Length);
        TcpChecksum.Fill(segment, pseudo);
        return frame;
    }

    /// <summary>What the stack would see of one delivered packet, copied out before its payload is freed.</summary>
    private sealed class Delivered
    {
        public Delivered(in NicRxPacket packet)
        {
            QueueId = packet.QueueId;
            ReadOnlySpan<byte> ip = packet.Headers[packet.L3Offset..];
            bool ipv6 = ip[0] >> 4 == 6;
            IpPayloadLength = ipv6 ? BinaryPrimitives.ReadUInt16BigEndian(ip[4..]) : BinaryPrimitives.ReadUInt16BigEndian(ip[2..]) - Ipv4View.MinHeaderLength;
            IpHeaderChecksumValid = ipv6 || InternetChecksum.Compute(ip[..Ipv4View.MinHeaderLength]) == 0;
            Assert.True(TcpHeader.TryParse(packet.Headers[packet.L4Offset..], out TcpHeader header, out int headerLength, out _));
            Header = header;
            TcpHeaderLength = headerLength;
            Payload = packet.Payload is { } skb ? NicAssert.Contents(skb) : [];
            FragCount = packet.Payload?.FragCount ?? 0;
            HasFragList = packet.Payload?.FragList is not null;
            GsoSegments = packet.Payload?.GsoSegments ?? 0;
            packet.Payload?.Free();
        }

        public int GsoSegments { get; }

        public int QueueId { get; }

        public int IpPayloadLength { get; }

        public bool IpHeaderChecksumValid { get; }

        public TcpHeader Header { get; }

        public uint Sequence => Header.SequenceNumber;

        public TcpFlags Flags => Header.Flags;

        public int TcpHeaderLength { get; }

        public byte[] Payload { get; }

        public int FragCount { get; }

        public bool HasFragList { get; }
    }
}
