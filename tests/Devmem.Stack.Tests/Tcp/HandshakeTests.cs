using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>Opening a connection: RFC 9293 §3.5 and §3.10.7.2-§3.10.7.3, with option negotiation (§3.7.1, RFC 7323, RFC 2018).</summary>
public class HandshakeTests
{
    [Fact]
    public void ActiveOpen_SendsSynWithOptions_AndAcknowledgesTheSynAck()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        c.Connect(Iss);
        Assert.Equal(TcpState.SynSent, c.State);

        SentSegment syn = bench.Single(c);
        Assert.Equal(TcpBench.LocalPort, syn.Header.SourcePort);
        Assert.Equal(TcpBench.PeerPort, syn.Header.DestinationPort);
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.Equal(Iss, syn.Seq);
        Assert.Equal(0u, syn.Ack);
        Assert.Equal(20000, syn.Header.Window);
        Assert.Equal(new TcpOptions { Mss = 1000, SackPermitted = true }, syn.Header.Options);

        bench.Deliver(c, TcpBench.Segment(PeerIss, Iss + 1, TcpFlags.Syn | TcpFlags.Ack, 30000, new TcpOptions { Mss = 1200, SackPermitted = true }));
        Assert.Equal(TcpState.Established, c.State);
        SentSegment ack = bench.Single(c);
        Assert.Equal((TcpFlags.Ack, Iss + 1, PeerIss + 1, (ushort)20000), (ack.Flags, ack.Seq, ack.Ack, ack.Header.Window));
        Assert.True(ack.Header.Options.IsEmpty);
        Assert.Equal(1000, c.SendMss);
        Assert.Equal(30000, c.SendWindow);
        Assert.True(c.SackPermitted);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void PassiveOpen_AnswersSynWithSynAck_CarryingOnlyNegotiatedOptions_ThenEstablishes()
    {
        using var bench = new TcpBench();
        var options = TcpBench.Plain with { WindowScaling = true, Timestamps = true, ReceiveBufferSize = 200_000, MaxReceiveBufferSize = 200_000 };
        TcpConnection c = bench.NewConnection(options);
        var synOptions = new TcpOptions { Mss = 1460, WindowScale = 7, SackPermitted = true, Timestamp = new TcpTimestamp(777, 0) };
        Assert.True(c.AcceptSyn(TcpBench.Segment(PeerIss, 0, TcpFlags.Syn, 65535, synOptions), null, Iss, bench.Now, timestampOffset: 100));
        Assert.Equal(TcpState.SynReceived, c.State);

        SentSegment synAck = bench.Single(c);
        Assert.Equal((TcpFlags.Syn | TcpFlags.Ack, Iss, PeerIss + 1), (synAck.Flags, synAck.Seq, synAck.Ack));
        Assert.Equal(65535, synAck.Header.Window); // never scaled in a SYN (RFC 7323 §2.2)
        uint tsVal = (uint)(bench.Now / 1000) + 100;
        Assert.Equal(new TcpOptions { Mss = 1000, WindowScale = 2, SackPermitted = true, Timestamp = new TcpTimestamp(tsVal, 777) }, synAck.Header.Options);

        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, Iss + 1, TcpFlags.Ack, 100, new TcpOptions { Timestamp = new TcpTimestamp(778, tsVal) }));
        Assert.Equal(TcpState.Established, c.State);
        Assert.Equal(100 << 7, c.SendWindow);
        Assert.Equal((2, 7), c.WindowShifts);
        Assert.True(c.TimestampsEnabled);
        Assert.Empty(bench.Drain(c));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void PassiveOpen_PeerWithoutOptions_GetsNoneBack_AndSendMssDefaultsTo536()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection(TcpBench.Plain with { WindowScaling = true, Timestamps = true });
        Assert.True(c.AcceptSyn(TcpBench.Segment(PeerIss, 0, TcpFlags.Syn), null, Iss, bench.Now));
        SentSegment synAck = bench.Single(c);
        Assert.Equal(new TcpOptions { Mss = 1000 }, synAck.Header.Options);
        Assert.Equal(536, c.SendMss);
        Assert.False(c.TimestampsEnabled);
        Assert.False(c.SackPermitted);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void AcceptSyn_RefusesAnythingButAPlainSyn()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        Assert.False(c.AcceptSyn(TcpBench.Segment(PeerIss, 1, TcpFlags.Syn | TcpFlags.Ack), bench.DevicePayload([1, 2, 3]), Iss, bench.Now));
        Assert.Equal(TcpState.Closed, c.State);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SimultaneousOpen_SynThenSynAck_ReachesEstablished()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        c.Connect(Iss);
        bench.Single(c);

        bench.Deliver(c, TcpBench.Segment(PeerIss, 0, TcpFlags.Syn, 20000, new TcpOptions { Mss = 1000 }));
        Assert.Equal(TcpState.SynReceived, c.State);
        SentSegment synAck = bench.Single(c);
        Assert.Equal((TcpFlags.Syn | TcpFlags.Ack, Iss, PeerIss + 1), (synAck.Flags, synAck.Seq, synAck.Ack));

        // The peer's SYN-ACK repeats its SYN: not acceptable any more, answered with an ACK (RFC 9293 figure 8).
        bench.Deliver(c, TcpBench.Segment(PeerIss, Iss + 1, TcpFlags.Syn | TcpFlags.Ack));
        SentSegment ack = bench.Single(c);
        Assert.Equal((TcpFlags.Ack, Iss + 1, PeerIss + 1), (ack.Flags, ack.Seq, ack.Ack));
        Assert.Equal(TcpState.SynReceived, c.State);

        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, Iss + 1, TcpFlags.Ack));
        Assert.Equal(TcpState.Established, c.State);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SynSent_AckForSomethingElse_IsAnsweredWithRstAtThatAck()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        c.Connect(Iss);
        bench.Single(c);
        bench.Deliver(c, TcpBench.Segment(PeerIss, 777, TcpFlags.Syn | TcpFlags.Ack));
        SentSegment rst = bench.Single(c);
        Assert.Equal((TcpFlags.Rst, 777u, 0u), (rst.Flags, rst.Seq, rst.Ack));
        Assert.Equal(TcpState.SynSent, c.State);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.UnacceptableAck));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SynSent_RstWithAcceptableAck_IsConnectionRefused_WithoutAck_IsIgnored()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        c.Connect(Iss);
        bench.Single(c);
        bench.Deliver(c, TcpBench.Segment(0, 0, TcpFlags.Rst));
        Assert.Equal(TcpState.SynSent, c.State);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.RstIgnored));

        bench.Deliver(c, TcpBench.Segment(0, Iss + 1, TcpFlags.Rst | TcpFlags.Ack));
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.ECONNREFUSED, c.Error);
        Assert.Empty(bench.Drain(c));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SynSent_DataOnTheSynAck_IsNotTaken_AndTheAckSaysSo()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        c.Connect(Iss);
        bench.Single(c);
        bench.Deliver(c, TcpBench.Segment(PeerIss, Iss + 1, TcpFlags.Syn | TcpFlags.Ack, options: new TcpOptions { Mss = 1000 }), [1, 2, 3]);
        SentSegment ack = bench.Single(c);
        Assert.Equal(PeerIss + 1, ack.Ack);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.SynPayload));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Syn_IsRetransmittedWithExponentialBackoff_ThenGivenUp()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection(TcpBench.Plain with { MaxSynRetransmissions = 3 });
        c.Connect(Iss);
        long start = bench.Now;
        bench.Single(c);
        var times = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            List<SentSegment> again = bench.RunToNextDeadline(c);
            Assert.Single(again);
            Assert.Equal((TcpFlags.Syn, Iss), (again[0].Flags, again[0].Seq));
            times.Add((bench.Now - start) / 1000);
        }

        Assert.Equal([1000L, 3000L, 7000L], times);
        Assert.Empty(bench.RunToNextDeadline(c));
        Assert.Equal(15000, (bench.Now - start) / 1000);
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.ETIMEDOUT, c.Error);
        Assert.Equal(3, c.Counters.Retransmissions);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SynReceived_PeerRepeatsItsSyn_SynAckGoesOutAgainAtOnce()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        TcpHeader syn = TcpBench.Segment(PeerIss, 0, TcpFlags.Syn, options: new TcpOptions { Mss = 1000 });
        Assert.True(c.AcceptSyn(syn, null, Iss, bench.Now));
        bench.Single(c);
        bench.Deliver(c, syn);
        SentSegment again = bench.Single(c);
        Assert.Equal((TcpFlags.Syn | TcpFlags.Ack, Iss, PeerIss + 1), (again.Flags, again.Seq, again.Ack));
        Assert.Equal(1, c.Counters.Retransmissions);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SynReceived_UnacceptableAck_IsAnsweredWithRst()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        Assert.True(c.AcceptSyn(TcpBench.Segment(PeerIss, 0, TcpFlags.Syn), null, Iss, bench.Now));
        bench.Single(c);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, Iss + 50, TcpFlags.Ack));
        SentSegment rst = bench.Single(c);
        Assert.Equal((TcpFlags.Rst, Iss + 50), (rst.Flags, rst.Seq));
        Assert.Equal(TcpState.SynReceived, c.State);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SynReceived_RstAtRcvNxt_EndsThePassiveAttempt()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        Assert.True(c.AcceptSyn(TcpBench.Segment(PeerIss, 0, TcpFlags.Syn), null, Iss, bench.Now));
        bench.Single(c);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, 0, TcpFlags.Rst));
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.ECONNRESET, c.Error);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ClosedPort_RepliesFollowRfc9293()
    {
        Assert.True(TcpReset.TryReplyToClosed(TcpBench.Segment(100, 0, TcpFlags.Syn), 0, out TcpHeader reply));
        Assert.Equal((TcpFlags.Rst | TcpFlags.Ack, 0u, 101u), (reply.Flags, reply.SequenceNumber, reply.AcknowledgmentNumber));
        Assert.Equal((TcpBench.LocalPort, TcpBench.PeerPort), (reply.SourcePort, reply.DestinationPort));

        Assert.True(TcpReset.TryReplyToClosed(TcpBench.Segment(100, 0, TcpFlags.Fin | TcpFlags.Psh), 10, out reply));
        Assert.Equal((TcpFlags.Rst | TcpFlags.Ack, 0u, 111u), (reply.Flags, reply.SequenceNumber, reply.AcknowledgmentNumber));

        Assert.True(TcpReset.TryReplyToClosed(TcpBench.Segment(100, 555, TcpFlags.Ack), 10, out reply));
        Assert.Equal((TcpFlags.Rst, 555u, 0u), (reply.Flags, reply.SequenceNumber, reply.AcknowledgmentNumber));

        Assert.False(TcpReset.TryReplyToClosed(TcpBench.Segment(100, 555, TcpFlags.Rst | TcpFlags.Ack), 0, out _));
    }

    [Fact]
    public void ClosedConnection_AnswersSegmentsWithRst_AndFreesTheirPayload()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        bench.Deliver(c, TcpBench.Segment(100, 555, TcpFlags.Ack), [1, 2, 3]);
        SentSegment rst = bench.Single(c);
        Assert.Equal((TcpFlags.Rst, 555u), (rst.Flags, rst.Seq));
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.NoConnection));
        bench.CloseAndAssertNoLeaks();
    }
}
