using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// Loss recovery: the retransmission timer with backoff (RFC 6298), fast retransmit after three duplicate
/// ACKs and NewReno recovery (RFC 5681 §3.2, RFC 6582), and RTT measurement.
/// </summary>
public class RetransmissionTests
{
    private static readonly TcpConnectionOptions NoDelay = TcpBench.Plain with { NoDelay = true };

    [Fact]
    public void Rto_ResendsTheFirstSegment_DoublingEachTime_AndShrinksCwndToOneSegment()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        byte[] data = TcpBench.Pattern(2000);
        c.Send(data);
        Assert.Equal(2, bench.Drain(c).Count);
        long sentAt = bench.Now;
        Assert.Equal(sentAt + 1_000_000, c.PollAt(bench.Now));

        SentSegment first = Assert.Single(bench.RunToNextDeadline(c));
        Assert.Equal(Iss + 1, first.Seq);
        Assert.Equal(data[..1000], first.Payload);
        Assert.Equal(1000, c.CongestionWindow);
        Assert.Equal(2000, c.SlowStartThreshold);
        Assert.Equal(sentAt + 3_000_000, c.PollAt(bench.Now));

        Assert.Single(bench.RunToNextDeadline(c));
        Assert.Equal(sentAt + 7_000_000, c.PollAt(bench.Now));
        Assert.Equal(2, c.Counters.RetransmissionTimeouts);

        // The ACK of the first segment: the backoff ends, cwnd grows, the second segment goes again.
        bench.Deliver(c, PeerAck(1000));
        SentSegment second = bench.Single(c);
        Assert.Equal(Iss + 1001, second.Seq);
        Assert.Equal(data[1000..], second.Payload);
        Assert.Equal(2000, c.CongestionWindow);
        Assert.Equal(bench.Now + c.RetransmissionTimeout, c.PollAt(bench.Now));
        Assert.Equal(1_000_000, c.RetransmissionTimeout);

        bench.Deliver(c, PeerAck(2000));
        Assert.Equal(TcpConnection.Never, c.PollAt(bench.Now));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Rto_GivesUpAfterMaxRetransmissions_WithEtimedout()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, TcpBench.Plain with { MaxRetransmissions = 2 });
        c.Send(new byte[10]);
        bench.Drain(c);
        Assert.Single(bench.RunToNextDeadline(c));
        Assert.Single(bench.RunToNextDeadline(c));
        Assert.Empty(bench.RunToNextDeadline(c));
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.ETIMEDOUT, c.Error);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ThreeDuplicateAcks_FastRetransmit_ThenNewRenoPartialAndFullAcks()
    {
        // RFC 6582 is the recovery of a peer that does not offer SACK.
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, NoDelay, peerOptions: new TcpOptions { Mss = 1000 });
        byte[] data = TcpBench.Pattern(6000);
        c.Send(data);
        Assert.Equal(4, bench.Drain(c).Count);

        // [0, 1000) arrives; cwnd grows to 5000 and two more segments go.
        bench.Deliver(c, PeerAck(1000));
        Assert.Equal(2, bench.Drain(c).Count);

        // [1000, 2000) and [3000, 4000) were lost: three duplicate ACKs of 1000.
        bench.Deliver(c, PeerAck(1000));
        bench.Deliver(c, PeerAck(1000));
        Assert.Empty(bench.Drain(c));
        bench.Deliver(c, PeerAck(1000));
        SentSegment retransmit = bench.Single(c);
        Assert.Equal((TcpFlags.Ack, Iss + 1001), (retransmit.Flags, retransmit.Seq));
        Assert.Equal(data[1000..2000], retransmit.Payload);
        Assert.True(c.InFastRecovery);
        Assert.Equal(2500, c.SlowStartThreshold);
        Assert.Equal(5500, c.CongestionWindow);
        Assert.Equal(3, c.Counters.DuplicateAcks);

        // Partial ACK (RFC 6582 step 5): the next hole goes out at once; cwnd deflates by 2000, plus one MSS.
        bench.Deliver(c, PeerAck(3000));
        retransmit = bench.Single(c);
        Assert.Equal(Iss + 3001, retransmit.Seq);
        Assert.Equal(data[3000..4000], retransmit.Payload);
        Assert.Equal(4500, c.CongestionWindow);
        Assert.True(c.InFastRecovery);

        // Full ACK: recovery ends with cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS).
        bench.Deliver(c, PeerAck(6000));
        Assert.False(c.InFastRecovery);
        Assert.Equal(2000, c.CongestionWindow);
        Assert.Equal(2, c.Counters.FastRetransmissions);
        Assert.Equal(0, c.Counters.RetransmissionTimeouts);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void DuplicateAcks_MustLeaveTheWindowUnchanged_AndCarryNoData()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, NoDelay);
        c.Send(TcpBench.Pattern(3000));
        bench.Drain(c);
        bench.Deliver(c, PeerAck(1000));
        bench.Drain(c);
        bench.Deliver(c, PeerAck(1000, window: 19000));
        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, Iss + 1001, TcpFlags.Ack, 19000), [1]);
        bench.Deliver(c, PeerAck(1000, window: 19000, peerOffset: 1));
        Assert.Equal(1, c.Counters.DuplicateAcks);
        Assert.False(c.InFastRecovery);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void RttSamples_SetTheRto_AndRetransmittedSegmentsAreNotTimed()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection(TcpBench.Plain with { MinRto = TimeSpan.FromMilliseconds(200) });
        c.Connect(Iss);
        bench.Drain(c);
        bench.Advance(TimeSpan.FromMilliseconds(100));
        bench.Deliver(c, TcpBench.Segment(PeerIss, Iss + 1, TcpFlags.Syn | TcpFlags.Ack, options: new TcpOptions { Mss = 1000 }));
        bench.Drain(c);

        // RFC 6298 §2.2, from the SYN: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR.
        Assert.Equal(100_000, c.SmoothedRtt);
        Assert.Equal(300_000, c.RetransmissionTimeout);

        // §2.3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, SRTT = 7/8 SRTT + 1/8 R.
        c.Send(new byte[100]);
        bench.Drain(c);
        bench.Advance(TimeSpan.FromMilliseconds(100));
        bench.Deliver(c, PeerAck(100));
        Assert.Equal(100_000, c.SmoothedRtt);
        Assert.Equal(250_000, c.RetransmissionTimeout);

        // Karn: the ACK of a retransmitted segment says nothing about the RTT.
        c.Send(new byte[100]);
        bench.Drain(c);
        Assert.Single(bench.RunToNextDeadline(c));
        bench.Advance(TimeSpan.FromMilliseconds(50));
        bench.Deliver(c, PeerAck(200));
        Assert.Equal(100_000, c.SmoothedRtt);
        Assert.Equal(250_000, c.RetransmissionTimeout);
        bench.CloseAndAssertNoLeaks();
    }
}
