using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>RST and SYN on a synchronized connection: RFC 9293 §3.10.7.4 with RFC 5961's challenge ACKs.</summary>
public class ResetAndChallengeTests
{
    [Fact]
    public void RstAtRcvNxt_ResetsTheConnection()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, 0, TcpFlags.Rst));
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.ECONNRESET, c.Error);
        Assert.Empty(bench.Drain(c));
        var ex = Assert.Throws<DevmemException>(() => c.Receiver.TryReceive(new byte[10], new DevmemFragment[4], 10, MessageFlags.SockDevmem, out _));
        Assert.Equal(Errno.ECONNRESET, ex.Errno);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void RstInTheWindowButNotAtRcvNxt_GetsAChallengeAck()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 500, 0, TcpFlags.Rst));
        Assert.Equal(TcpState.Established, c.State);
        SentSegment challenge = bench.Single(c);
        Assert.Equal((TcpFlags.Ack, Iss + 1, PeerIss + 1), (challenge.Flags, challenge.Seq, challenge.Ack));
        Assert.Equal(1, c.Counters.ChallengeAcks);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.RstInWindow));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void RstOutsideTheWindow_IsIgnoredSilently()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 100_000, 0, TcpFlags.Rst));
        bench.Deliver(c, TcpBench.Segment(PeerIss, 0, TcpFlags.Rst));
        Assert.Equal(TcpState.Established, c.State);
        Assert.Empty(bench.Drain(c));
        Assert.Equal(2, c.Counters.Dropped(TcpDropReason.RstIgnored));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SynOnAnEstablishedConnection_GetsAChallengeAck_WhateverItsSequenceNumber()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, 0, TcpFlags.Syn));
        SentSegment challenge = bench.Single(c);
        Assert.Equal((TcpFlags.Ack, Iss + 1, PeerIss + 1), (challenge.Flags, challenge.Seq, challenge.Ack));
        bench.Deliver(c, TcpBench.Segment(123, 0, TcpFlags.Syn));
        Assert.Single(bench.Drain(c));
        Assert.Equal(TcpState.Established, c.State);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.SynInWindow));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void AckForDataNeverSent_GetsAChallengeAck_AndItsDataIsDropped()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, PeerData(0, ack: Iss + 1000), [1, 2, 3]);
        SentSegment challenge = bench.Single(c);
        Assert.Equal(PeerIss + 1, challenge.Ack);
        Assert.Equal(0, c.Receiver.QueuedBytes);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.UnacceptableAck));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ChallengeAcks_AreRateLimited()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, TcpBench.Plain with { ChallengeAcksPerSecond = 2 });
        for (int i = 0; i < 3; i++)
        {
            bench.Deliver(c, TcpBench.Segment(PeerIss + 10, 0, TcpFlags.Rst));
            bench.Drain(c);
        }

        Assert.Equal(2, c.Counters.ChallengeAcks);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.ChallengeAckRateLimited));
        bench.Advance(TimeSpan.FromSeconds(1));
        bench.Deliver(c, TcpBench.Segment(PeerIss + 10, 0, TcpFlags.Rst));
        Assert.Single(bench.Drain(c));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SegmentWithoutAck_IsDropped()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, 0, TcpFlags.Psh), [1, 2, 3]);
        Assert.Equal(0, c.Receiver.QueuedBytes);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.NoAck));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void RstInTimeWait_ClosesIt()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        c.Close();
        bench.Drain(c);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, Iss + 2, TcpFlags.Fin | TcpFlags.Ack));
        Assert.Equal(TcpState.TimeWait, c.State);
        bench.Drain(c);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 2, 0, TcpFlags.Rst));
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.None, c.Error);
        bench.CloseAndAssertNoLeaks();
    }
}
