using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// SACK-based loss recovery (RFC 6675) with crafted ACKs and a manual clock, limited transmit (RFC 3042),
/// D-SACK (RFC 2883) both ways, reneging, go-back-N that skips SACKed data after a timeout, tail loss
/// probes (RFC 8985 §7) and lost retransmissions found by later data's delivery.
/// </summary>
public class SackRecoveryTests
{
    private static readonly TcpConnectionOptions NoDelay = TcpBench.Plain with { NoDelay = true };

    private static TcpOptions Sack(params (int Left, int Right)[] blocks) =>
        new TcpOptions().WithSackBlocks(blocks.Select(b => new TcpSackBlock(Iss + 1 + (uint)b.Left, Iss + 1 + (uint)b.Right)).ToArray());

    // Our ISS is 1000: stream offset `offset` is sequence number Iss + 1 + offset.
    private static uint At(int offset) => Iss + 1 + (uint)offset;

    // 10000 bytes to send; the first ACK opens cwnd to 5000, so [0, 6000) is out and [1000, 6000) outstanding.
    private static TcpConnection SixThousandOut(TcpBench bench, byte[] data)
    {
        TcpConnection c = EstablishActive(bench, NoDelay);
        Assert.True(c.SackPermitted);
        c.Send(data);
        Assert.Equal(4, bench.Drain(c).Count);
        bench.Deliver(c, PeerAck(1000));
        Assert.Equal(2, bench.Drain(c).Count);
        return c;
    }

    [Fact]
    public void SackedDuplicates_SendNewData_ThenRecoveryRetransmitsOnlyTheHole()
    {
        using var bench = new TcpBench();
        byte[] data = TcpBench.Pattern(10_000);
        TcpConnection c = SixThousandOut(bench, data);

        // [1000, 2000) is lost. Each duplicate ACK SACKs one more segment; the pipe falls by what left the
        // network, so one new segment goes per ACK (RFC 6675 §5 step 3, limited transmit's SACK form).
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 3000))));
        Assert.Equal(At(6000), bench.Single(c).Seq);
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 4000))));
        Assert.Equal(At(7000), bench.Single(c).Seq);
        Assert.False(c.InFastRecovery);

        // The third: recovery, ssthresh = cwnd = FlightSize / 2, and the hole alone goes (pipe = 4000 > cwnd).
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 5000))));
        SentSegment hole = bench.Single(c);
        Assert.Equal(At(1000), hole.Seq);
        Assert.Equal(data[1000..2000], hole.Payload);
        Assert.True(c.InFastRecovery);
        Assert.Equal(3500, c.SlowStartThreshold);
        Assert.Equal(3500, c.CongestionWindow);
        Assert.Equal(1, c.Counters.FastRecoveries);

        // More SACKs shrink the pipe; once cwnd − pipe holds a segment, NextSeg finds no lost hole and sends
        // new data (rule 2), never the SACKed [2000, 7000).
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 6000))));
        Assert.Empty(bench.Drain(c));
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 7000))));
        Assert.Equal(At(8000), bench.Single(c).Seq);

        // The hole's ACK covers RecoveryPoint: recovery ends with cwnd at ssthresh.
        bench.Deliver(c, PeerAck(8000));
        Assert.False(c.InFastRecovery);
        Assert.Equal(3500, c.CongestionWindow);
        Assert.Equal(1, c.Counters.FastRetransmissions);
        Assert.Equal(0, c.Counters.RetransmissionTimeouts);
        Assert.True(c.Scoreboard.IsEmpty);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ALostRetransmission_IsSentAgain_OnceDataSentAfterItIsSacked()
    {
        using var bench = new TcpBench();
        TcpConnection c = SixThousandOut(bench, TcpBench.Pattern(10_000));
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 3000))));
        Assert.Equal(At(6000), bench.Single(c).Seq);
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 4000))));
        Assert.Equal(At(7000), bench.Single(c).Seq);
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 5000))));
        Assert.Equal(At(1000), bench.Single(c).Seq);
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 6000))));
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 7000))));
        Assert.Equal(At(8000), bench.Single(c).Seq);

        // [8000, 9000) left after the retransmission of [1000, 2000) and arrived; the retransmission did not.
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 9000))));
        Assert.Contains(bench.Drain(c), s => s.Seq == At(1000));
        Assert.Equal(1, c.Counters.LostRetransmissions);
        Assert.Equal(0, c.Counters.RetransmissionTimeouts);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ATailLossProbe_GoesAfterTwoRtts_AndItsSackStartsRecovery()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, NoDelay);
        byte[] data = TcpBench.Pattern(4000);
        c.Send(data);
        Assert.Equal(4, bench.Drain(c).Count);

        // The first segment's ACK comes after 10 ms; the last three are lost. PTO = 2·SRTT + Linux's 2 ms floor.
        bench.Advance(TimeSpan.FromMilliseconds(10));
        bench.Deliver(c, PeerAck(1000));
        Assert.True(c.SmoothedRtt > 0);
        Assert.Equal(bench.Now + (2 * c.SmoothedRtt) + 2_000, c.PollAt(bench.Now));

        // No new data: the probe is the last segment again (RFC 8985 §7.3), well before the 1 s RTO.
        SentSegment probe = Assert.Single(bench.RunToNextDeadline(c));
        Assert.Equal(At(3000), probe.Seq);
        Assert.Equal(data[3000..4000], probe.Payload);
        Assert.Equal(1, c.Counters.TailLossProbes);

        // Its SACK shows everything sent before it missing: recovery, and the first hole goes at once.
        bench.Deliver(c, PeerAck(1000, options: Sack((3000, 4000))));
        Assert.True(c.InFastRecovery);
        Assert.Equal(At(1000), bench.Drain(c)[0].Seq);
        Assert.Equal(0, c.Counters.RetransmissionTimeouts);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void TwoHoles_TheSecondGoesAsSoonAsItIsLost_WithoutWaitingForAPartialAck()
    {
        using var bench = new TcpBench();
        byte[] data = TcpBench.Pattern(10_000);
        TcpConnection c = SixThousandOut(bench, data);
        var retransmitted = new List<uint>();
        void Collect()
        {
            foreach (SentSegment s in bench.Drain(c))
            {
                if (s.Seq < At(6000))
                {
                    retransmitted.Add(s.Seq);
                }
            }
        }

        // [1000, 2000) and [3000, 4000) are lost.
        bench.Deliver(c, PeerAck(1000, options: Sack((2000, 3000))));
        Collect();
        bench.Deliver(c, PeerAck(1000, options: Sack((4000, 5000), (2000, 3000))));
        Collect();
        bench.Deliver(c, PeerAck(1000, options: Sack((4000, 6000), (2000, 3000))));
        Collect();
        bench.Deliver(c, PeerAck(1000, options: Sack((4000, 7000), (2000, 3000))));
        Collect();
        bench.Deliver(c, PeerAck(1000, options: Sack((4000, 8000), (2000, 3000))));
        Collect();

        Assert.Equal([At(1000), At(3000)], retransmitted);
        Assert.Equal(At(1000), c.SendUnacknowledged.Value);
        bench.Deliver(c, PeerAck(8000));
        Assert.False(c.InFastRecovery);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void WithoutSack_TheFirstTwoDuplicateAcks_EachReleaseOneNewSegment()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, NoDelay, peerOptions: new TcpOptions { Mss = 1000 });
        c.Send(TcpBench.Pattern(10_000));
        Assert.Equal(4, bench.Drain(c).Count);

        // RFC 3042: new data beyond cwnd, one segment per duplicate ACK, cwnd itself unchanged.
        bench.Deliver(c, PeerAck(0));
        Assert.Equal(At(4000), bench.Single(c).Seq);
        bench.Deliver(c, PeerAck(0));
        Assert.Equal(At(5000), bench.Single(c).Seq);
        Assert.Equal(4000, c.CongestionWindow);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ARetransmissionTimeout_GoesBackN_ButSkipsSackedData()
    {
        using var bench = new TcpBench();
        byte[] data = TcpBench.Pattern(6000);
        TcpConnection c = SixThousandOut(bench, data);

        // [1000, 2000) and [3000, 4000) are lost; one duplicate ACK SACKs what came between and after, then silence.
        bench.Deliver(c, PeerAck(1000, options: Sack((4000, 5000), (2000, 3000))));
        Assert.False(c.InFastRecovery);
        bench.Drain(c);
        List<SentSegment> resent = bench.RunToNextDeadline(c);
        Assert.Equal(1, c.Counters.RetransmissionTimeouts);
        Assert.Equal(At(1000), Assert.Single(resent).Seq);

        // The peer fills in to its SACKed [2000, 3000); cwnd is two segments now, and go-back-N sends the
        // unSACKed [3000, 4000) and [5000, 6000), hopping over the SACKed [4000, 5000).
        bench.Deliver(c, PeerAck(3000));
        Assert.Equal([At(3000), At(5000)], bench.Drain(c).Select(s => s.Seq));
        Assert.Equal(At(6000), c.SendNext.Value);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ReceivedDsack_IsCounted_AndStartsNoRecovery()
    {
        using var bench = new TcpBench();
        TcpConnection c = SixThousandOut(bench, TcpBench.Pattern(10_000));
        bench.Deliver(c, PeerAck(3000, options: Sack((1000, 2000))));
        Assert.Equal(1, c.Counters.DuplicateSacksReceived);
        Assert.True(c.Scoreboard.IsEmpty);
        Assert.Equal(0, c.Counters.DuplicateAcks);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ADuplicateSegment_IsReportedWithADsackBlockFirst_Once()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        byte[] data = TcpBench.Pattern(1000);
        bench.Deliver(c, PeerData(0), data);
        bench.Drain(c);

        bench.Deliver(c, PeerData(0), data);
        SentSegment ack = bench.Single(c);
        Assert.Equal(new TcpSackBlock(PeerIss + 1, PeerIss + 1001), ack.Header.Options.GetSackBlock(0));
        Assert.Equal(1, c.Counters.DuplicateSacksSent);

        bench.Deliver(c, PeerData(1000), data);
        Assert.All(bench.Drain(c), s => Assert.Equal(0, s.Header.Options.SackBlockCount));
        bench.ReceiveAll(c.Receiver);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Reneging_ClearsTheScoreboard_SoTheDataIsSentAgain()
    {
        using var bench = new TcpBench();
        TcpConnection c = SixThousandOut(bench, TcpBench.Pattern(6000));
        bench.Deliver(c, PeerAck(1000, options: Sack((3000, 4000))));
        Assert.False(c.Scoreboard.IsEmpty);

        // The cumulative ACK stops exactly where SACKed data began: the peer dropped it.
        bench.Deliver(c, PeerAck(3000));
        Assert.Equal(1, c.Counters.SackRenegings);
        Assert.True(c.Scoreboard.IsEmpty);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void BogusSackBlocks_AreRejected_AndCannotTriggerRecovery()
    {
        using var bench = new TcpBench();
        TcpConnection c = SixThousandOut(bench, TcpBench.Pattern(6000));

        // Blocks beyond anything sent: an attacker's or a broken peer's.
        for (int i = 0; i < 5; i++)
        {
            bench.Deliver(c, PeerAck(1000, options: Sack((50_000, 60_000))));
        }

        Assert.Equal(5, c.Counters.SackBlocksRejected);
        Assert.False(c.InFastRecovery);
        Assert.True(c.Scoreboard.IsEmpty);
        bench.CloseAndAssertNoLeaks();
    }
}
