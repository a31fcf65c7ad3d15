using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>Closing: RFC 9293 §3.6, active, passive and simultaneous, FIN ordering and TIME-WAIT.</summary>
public class CloseTests
{
    private static readonly TcpConnectionOptions ShortTimeWait = TcpBench.Plain with { TimeWaitDuration = TimeSpan.FromSeconds(5) };

    [Fact]
    public void ActiveClose_FinWait1_FinWait2_TimeWait_ThenClosedAfterTheConfiguredWait()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, ShortTimeWait);
        c.Close();
        Assert.Equal(TcpState.FinWait1, c.State);
        SentSegment fin = bench.Single(c);
        Assert.Equal((TcpFlags.Fin | TcpFlags.Ack, Iss + 1, PeerIss + 1), (fin.Flags, fin.Seq, fin.Ack));

        bench.Deliver(c, PeerAck(1));
        Assert.Equal(TcpState.FinWait2, c.State);
        Assert.Empty(bench.Drain(c));

        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, Iss + 2, TcpFlags.Fin | TcpFlags.Ack));
        Assert.Equal(TcpState.TimeWait, c.State);
        SentSegment ack = bench.Single(c);
        Assert.Equal((TcpFlags.Ack, Iss + 2, PeerIss + 2), (ack.Flags, ack.Seq, ack.Ack));
        Assert.Empty(bench.ReceiveAll(c.Receiver));

        Assert.Equal(bench.Now + 5_000_000, c.PollAt(bench.Now));
        bench.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(bench.Drain(c));
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Devmem.Uapi.Errno.None, c.Error);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void TimeWait_RetransmittedFin_IsAcknowledged_AndRestartsTheWait()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, ShortTimeWait);
        c.Close();
        bench.Drain(c);
        TcpHeader finAck = TcpBench.Segment(PeerIss + 1, Iss + 2, TcpFlags.Fin | TcpFlags.Ack);
        bench.Deliver(c, finAck);
        bench.Drain(c);
        bench.Advance(TimeSpan.FromSeconds(3));
        bench.Deliver(c, finAck);
        SentSegment ack = bench.Single(c);
        Assert.Equal(PeerIss + 2, ack.Ack);
        Assert.Equal(bench.Now + 5_000_000, c.PollAt(bench.Now));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void PassiveClose_CloseWait_LastAck_Closed()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, PeerData(0, extra: TcpFlags.Fin), TcpBench.Pattern(100));
        Assert.Equal(TcpState.CloseWait, c.State);
        SentSegment ack = bench.Single(c);
        Assert.Equal(PeerIss + 102, ack.Ack);
        Assert.Equal(TcpBench.Pattern(100), bench.ReceiveAll(c.Receiver));

        c.Send(TcpBench.Pattern(50));
        c.Close();
        Assert.Equal(TcpState.LastAck, c.State);
        SentSegment fin = bench.Single(c);
        Assert.Equal((TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Ack, Iss + 1, 50), (fin.Flags, fin.Seq, fin.Payload.Length));

        bench.Deliver(c, TcpBench.Segment(PeerIss + 102, Iss + 52, TcpFlags.Ack));
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(TcpConnection.Never, c.PollAt(bench.Now));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SimultaneousClose_GoesThroughClosing()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, ShortTimeWait);
        c.Close();
        bench.Drain(c);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, Iss + 1, TcpFlags.Fin | TcpFlags.Ack));
        Assert.Equal(TcpState.Closing, c.State);
        Assert.Equal(PeerIss + 2, bench.Single(c).Ack);
        bench.Deliver(c, TcpBench.Segment(PeerIss + 2, Iss + 2, TcpFlags.Ack));
        Assert.Equal(TcpState.TimeWait, c.State);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void LostFin_IsRetransmittedByTheTimer()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        c.Close();
        bench.Drain(c);
        SentSegment again = Assert.Single(bench.RunToNextDeadline(c));
        Assert.Equal((TcpFlags.Fin | TcpFlags.Ack, Iss + 1), (again.Flags, again.Seq));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void FinBeyondAGap_WaitsForTheMissingData()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        byte[] data = TcpBench.Pattern(2000);
        bench.Deliver(c, PeerData(1000, extra: TcpFlags.Fin), data.AsSpan(1000));
        Assert.Equal(TcpState.Established, c.State);
        Assert.Equal(PeerIss + 1, bench.Single(c).Ack);

        bench.Deliver(c, PeerData(0), data.AsSpan(0, 1000));
        Assert.Equal(TcpState.CloseWait, c.State);
        Assert.Equal(PeerIss + 2002, bench.Single(c).Ack);
        Assert.Equal(data, bench.ReceiveAll(c.Receiver));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void DataAfterTheFin_IsDropped()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, PeerData(0, extra: TcpFlags.Fin));
        bench.Drain(c);
        bench.Deliver(c, PeerData(1), [1, 2, 3]);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.DataAfterFin));
        Assert.Equal(0, c.Receiver.QueuedBytes);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void CloseInSynReceived_SendsTheFinOnceEstablished()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        Assert.True(c.AcceptSyn(TcpBench.Segment(PeerIss, 0, TcpFlags.Syn), null, Iss, bench.Now));
        bench.Single(c);
        c.Close();
        Assert.Empty(bench.Drain(c));
        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, Iss + 1, TcpFlags.Ack));
        Assert.Equal(TcpState.FinWait1, c.State);
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, bench.Single(c).Flags);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Abort_SendsRstAtSndNxt_AndFlushesTheOutOfOrderQueue()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, PeerData(1000), TcpBench.Pattern(500));
        bench.Drain(c);
        c.Abort();
        SentSegment rst = bench.Single(c);
        Assert.Equal((TcpFlags.Rst, Iss + 1), (rst.Flags, rst.Seq));
        Assert.Equal(0, c.OutOfOrderBytes);
        Assert.Equal(0, bench.Skbs.InUse);
        bench.CloseAndAssertNoLeaks();
    }
}
