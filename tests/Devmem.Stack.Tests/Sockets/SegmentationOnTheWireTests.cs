using PacketDotNet;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// What segmentation offload puts on the wire, read back by PacketDotNet (an independent parser): frames within
/// the MTU, every checksum valid, the stream's sequence numbers contiguous, PSH where the data runs out and FIN
/// after the stream's last byte, and OutSegs counting wire segments.
/// </summary>
public sealed class SegmentationOnTheWireTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_frame_the_sender_transmits_is_a_valid_segment_of_at_most_one_mss(bool ipv6)
    {
        CapturingLink? capture = null;
        using var pair = new EnginePair(ipv6, linkOfA: link => capture = new CapturingLink(link));
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        byte[] data = NcdevmemPattern.Create(1 << 20);
        long segmentsSent;
        bool countsAgree;
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort))
        {
            Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
            using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), cancellationToken);
            using EngineTcpSocket server = await accepting;
            Task<long> reading = Task.Run(() => DevmemStreamReader.ReadToEndAsync(server, pair.DmaBuf, DevmemDataKind.DeviceMemory, cancellationToken), cancellationToken);
            for (int sent = 0; sent < data.Length; sent += 256 * 1024)
            {
                await client.SendAsync(data.AsMemory(sent, 256 * 1024), cancellationToken);
            }

            client.ShutdownSend();
            Assert.Equal(data.Length, await reading.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken));
            server.ShutdownSend();
            Assert.Equal(0, await DevmemStreamReader.ReadToEndAsync(client, pair.DmaBuf, DevmemDataKind.Readable, cancellationToken));
            await client.Closed.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            // A segment is counted when built and transmitted when the loop's turn ends: the two agree once the
            // last one is out (a late ACK for a repeated FIN would move both).
            countsAgree = SpinWait.SpinUntil(() => capture!.TcpFrames().Count == client.Counters.SegmentsSent, TimeSpan.FromSeconds(5));
            segmentsSent = client.Counters.SegmentsSent;
        }

        pair.DisposeAndAssertNoLeaks();

        int mss = ipv6 ? 1500 - 60 : 1500 - 40;
        List<TcpPacket> segments = capture!.TcpFrames().Select(frame => Parse(frame, ipv6)).ToList();
        List<TcpPacket> dataSegments = segments.Where(s => s.PayloadData is { Length: > 0 }).ToList();
        Assert.All(capture.Frames, frame => Assert.True(frame.Length <= 1514, $"a {frame.Length}-byte frame on a 1500-byte MTU"));
        Assert.All(segments, s => Assert.True(s.ValidTcpChecksum));
        Assert.All(dataSegments, s => Assert.True(s.PayloadData.Length + s.Options.Length <= mss));

        // The data segments, each sent once (a busy machine may fire a tail loss probe, which sends one again,
        // byte for byte), follow each other and together are the stream.
        var bySequence = new SortedDictionary<uint, byte[]>();
        foreach (TcpPacket segment in dataSegments)
        {
            if (bySequence.TryGetValue(segment.SequenceNumber, out byte[]? first))
            {
                Assert.Equal(first, segment.PayloadData);
                continue;
            }

            bySequence.Add(segment.SequenceNumber, segment.PayloadData);
        }

        List<KeyValuePair<uint, byte[]>> stream = bySequence.ToList();
        for (int i = 1; i < stream.Count; i++)
        {
            Assert.Equal(stream[i - 1].Key + (uint)stream[i - 1].Value.Length, stream[i].Key);
        }

        Assert.Equal(data, stream.SelectMany(s => s.Value));

        // The last write's data ends in PSH; FIN follows the stream's last byte (on that segment, or on its own
        // when the shutdown came after the data had gone), and every FIN sent says so.
        uint end = stream[^1].Key + (uint)stream[^1].Value.Length;
        Assert.True(dataSegments.Last(s => s.SequenceNumber == stream[^1].Key).Push);
        List<TcpPacket> fins = segments.Where(s => s.Finished).ToList();
        Assert.NotEmpty(fins);
        Assert.All(fins, fin => Assert.Equal(end, fin.SequenceNumber + (uint)(fin.PayloadData?.Length ?? 0)));

        // OutSegs counts what went on the wire: the pieces of GSO segments one by one.
        Assert.True(countsAgree, $"OutSegs {segmentsSent}, {segments.Count} TCP frames on the wire");
    }

    private static bool IsTcp(byte[] frame) =>
        Packet.ParsePacket(LinkLayers.Ethernet, frame).Extract<TcpPacket>() is not null;

    private static TcpPacket Parse(byte[] frame, bool ipv6)
    {
        var ethernet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame);
        if (ipv6)
        {
            return ethernet.Extract<IPv6Packet>().Extract<TcpPacket>();
        }

        IPv4Packet ip = ethernet.Extract<IPv4Packet>();
        Assert.True(ip.ValidIPChecksum);
        return ip.Extract<TcpPacket>();
    }

    /// <summary>A's end of the link, keeping a copy of every frame A transmits (before the ring takes the buffers).</summary>
    private sealed class CapturingLink(ILink inner) : ILink
    {
        private readonly Lock _lock = new();

        public List<byte[]> Frames { get; } = [];

        // The TCP frames among them (not ARP, not neighbour discovery).
        public List<byte[]> TcpFrames()
        {
            lock (_lock)
            {
                return Frames.Where(IsTcp).ToList();
            }
        }

        public int MaxFrameLength => inner.MaxFrameLength;

        public void Transmit(FrameBatch frames)
        {
            lock (_lock)
            {
                for (int i = 0; i < frames.Count; i++)
                {
                    Frames.Add(frames[i].ToArray());
                }
            }

            inner.Transmit(frames);
        }

        public int Receive(FrameBatch frames) => inner.Receive(frames);

        public ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default) => inner.WaitForFramesAsync(cancellationToken);
    }
}
