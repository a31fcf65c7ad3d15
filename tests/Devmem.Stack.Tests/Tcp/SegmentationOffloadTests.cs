using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// Generic segmentation offload: a connection hands out several full segments as one, which the driver cuts
/// apart (here as the engine does). The wire must see exactly what the connection sends one segment at a time.
/// </summary>
public sealed class SegmentationOffloadTests
{
    private const int GsoMaxPayload = 65_536 - 321;

    [Fact]
    public void Full_segments_within_the_window_go_as_one_and_the_short_tail_waits_for_nagle()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        byte[] data = TcpBench.Pattern(4500);
        c.Send(data);
        long segmentsBefore = c.Counters.SegmentsSent;

        // The initial window (4 segments of 1000) in one dispatch, cut into four on the wire.
        List<(int Length, int GsoSize)> dispatches = [];
        List<SentSegment> wire = DrainSegmented(bench, c, dispatches);
        Assert.Equal([(4000, 1000)], dispatches);
        Assert.Equal([Iss + 1, Iss + 1001, Iss + 2001, Iss + 3001], wire.Select(s => s.Seq));
        Assert.All(wire, s => Assert.Equal(TcpFlags.Ack, s.Flags));
        Assert.Equal(data[..4000], wire.SelectMany(s => s.Payload));
        Assert.Equal(4, c.Counters.SegmentsSent - segmentsBefore);

        bench.Deliver(c, PeerAck(4000));
        SentSegment tail = Assert.Single(DrainSegmented(bench, c, dispatches));
        Assert.Equal((TcpFlags.Ack | TcpFlags.Psh, Iss + 4001, 500), (tail.Flags, tail.Seq, tail.Payload.Length));
        bench.Deliver(c, PeerAck(4500));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void With_no_delay_the_tail_and_fin_ride_on_the_last_piece_only()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, TcpBench.Plain with { NoDelay = true });
        byte[] data = TcpBench.Pattern(2500);
        c.Send(data);
        c.Close();

        List<(int Length, int GsoSize)> dispatches = [];
        List<SentSegment> wire = DrainSegmented(bench, c, dispatches);
        Assert.Equal([(2500, 1000)], dispatches);
        Assert.Equal([TcpFlags.Ack, TcpFlags.Ack, TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin], wire.Select(s => s.Flags));
        Assert.Equal([1000, 1000, 500], wire.Select(s => s.Payload.Length));
        Assert.Equal(data, wire.SelectMany(s => s.Payload));
        bench.Deliver(c, PeerAck(2501));
        Assert.Equal(TcpState.FinWait2, c.State);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void A_gso_limit_smaller_than_two_segments_sends_one_segment_at_a_time()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        c.Send(TcpBench.Pattern(3000));

        List<(int Length, int GsoSize)> dispatches = [];
        DrainSegmented(bench, c, dispatches, gsoMaxPayload: 1999);
        Assert.Equal([(1000, 1000), (1000, 1000), (1000, 1000)], dispatches);
        bench.Deliver(c, PeerAck(3000));
        bench.CloseAndAssertNoLeaks();
    }

    // Random writes, ACKs that take a random part of what is in flight, sometimes a window update or a
    // shutdown: the connection with GSO and the one without put the same segments on the wire.
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    public void The_wire_sees_what_it_sees_without_offload(int seed, bool noDelay)
    {
        using var bench = new TcpBench();
        TcpConnectionOptions options = TcpBench.Plain with { NoDelay = noDelay };
        TcpConnection plain = EstablishActive(bench, options);
        TcpConnection offload = EstablishActive(bench, options);
        var random = new Random(seed);
        int written = 0;
        int acked = 0;
        int sent = 0;
        bool shut = false;
        for (int step = 0; step < 200; step++)
        {
            int action = random.Next(10);
            if (action < 4 && !shut)
            {
                byte[] data = TcpBench.Pattern(random.Next(1, 6000), seed: step);
                int taken = plain.Send(data);
                Assert.Equal(taken, offload.Send(data));
                written += taken;
            }
            else if (action < 8 && acked < sent)
            {
                acked += random.Next(1, sent - acked + 1);
                ushort window = (ushort)random.Next(2000, 20000);
                bench.Deliver(plain, PeerAck(acked, window));
                bench.Deliver(offload, PeerAck(acked, window));
            }
            else if (action == 9 && step > 150 && !shut)
            {
                plain.Close();
                offload.Close();
                shut = true;
            }

            List<SentSegment> expected = bench.Drain(plain);
            List<SentSegment> actual = DrainSegmented(bench, offload, []);
            Assert.Equal(expected.Select(Describe), actual.Select(Describe));
            if (expected.Count > 0)
            {
                sent = Math.Max(sent, (int)(expected[^1].Seq - Iss - 1) + expected[^1].Payload.Length);
            }

            Assert.True(sent <= written);
        }

        Assert.Equal(plain.Counters.SegmentsSent, offload.Counters.SegmentsSent);
        bench.Deliver(plain, PeerAck(sent + (shut ? 1 : 0)));
        bench.Deliver(offload, PeerAck(sent + (shut ? 1 : 0)));
        bench.CloseAndAssertNoLeaks();
    }

    private static string Describe(SentSegment segment) =>
        $"{segment.Flags} seq {segment.Seq} ack {segment.Ack} win {segment.Header.Window} {Convert.ToHexString(segment.Payload)}";

    // What the engine does with each dispatch (UserSpaceEngine.SendSegmented): pieces of gsoSize payload bytes,
    // each with its header from TcpHeader.GsoPiece.
    private static List<SentSegment> DrainSegmented(TcpBench bench, TcpConnection c, List<(int Length, int GsoSize)> dispatches,
        int gsoMaxPayload = GsoMaxPayload)
    {
        var wire = new List<SentSegment>();
        while (c.TryDispatchInPlace(bench.Now, 65_535, gsoMaxPayload, out TcpHeader header, out int length, out int gsoSize))
        {
            dispatches.Add((length, Math.Min(length, gsoSize)));
            if (length <= gsoSize)
            {
                var payload = new byte[length];
                c.CopyDispatchedPayload(payload);
                wire.Add(new SentSegment(header, payload));
                continue;
            }

            for (int offset = 0; offset < length; offset += gsoSize)
            {
                int piece = Math.Min(gsoSize, length - offset);
                var payload = new byte[piece];
                c.CopyDispatchedPayload(offset, payload);
                wire.Add(new SentSegment(header.GsoPiece(offset, piece, length), payload));
            }

            Assert.True(wire.Count < 10_000, "dispatch does not stop");
        }

        return wire;
    }
}
