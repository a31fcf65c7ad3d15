using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>Timestamps (RFC 7323): echo rules, PAWS, and RTT measurement from TSecr.</summary>
public class TimestampTests
{
    private static readonly TcpConnectionOptions WithTimestamps = TcpBench.Plain with { Timestamps = true };

    private static TcpOptions Ts(uint value, uint echo = 0) => new() { Timestamp = new TcpTimestamp(value, echo) };

    // Passive open with timestamps; the handshake's ACK comes 40 ms after the SYN-ACK.
    private static TcpConnection Establish(TcpBench bench)
    {
        TcpConnection c = bench.NewConnection(WithTimestamps);
        Assert.True(c.AcceptSyn(TcpBench.Segment(PeerIss, 0, TcpFlags.Syn, options: new TcpOptions { Mss = 1000, Timestamp = new TcpTimestamp(100, 0) }), null, Iss, bench.Now));
        SentSegment synAck = bench.Single(c);
        bench.Advance(TimeSpan.FromMilliseconds(40));
        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, Iss + 1, TcpFlags.Ack, options: Ts(101, synAck.Header.Options.Timestamp!.Value.Value)));
        Assert.Equal(TcpState.Established, c.State);
        return c;
    }

    [Fact]
    public void EverySegmentEchoesTsRecent_AndTheRttComesFromTsecr()
    {
        using var bench = new TcpBench();
        TcpConnection c = Establish(bench);
        Assert.Equal(40_000, c.SmoothedRtt);

        bench.Deliver(c, PeerData(0, options: Ts(200)), TcpBench.Pattern(100));
        SentSegment ack = bench.Single(c);
        Assert.Equal(new TcpTimestamp((uint)(bench.Now / 1000), 200), ack.Header.Options.Timestamp);

        // Data sent, retransmitted, then acknowledged: with timestamps even that ACK measures the RTT.
        c.Send(TcpBench.Pattern(100));
        SentSegment data = bench.Single(c);
        Assert.Equal(100, data.Payload.Length);
        bench.RunToNextDeadline(c);
        bench.Advance(TimeSpan.FromMilliseconds(40));
        bench.Deliver(c, PeerAck(100, peerOffset: 100, options: Ts(201, (uint)(bench.Now / 1000) - 40)));
        Assert.Equal(40_000, c.SmoothedRtt);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Paws_OlderTimestamp_IsDroppedAndAcknowledged()
    {
        using var bench = new TcpBench();
        TcpConnection c = Establish(bench);
        bench.Deliver(c, PeerData(0, options: Ts(200)), TcpBench.Pattern(100));
        bench.Drain(c);

        bench.Deliver(c, PeerData(100, options: Ts(150)), TcpBench.Pattern(100));
        SentSegment ack = bench.Single(c);
        Assert.Equal(PeerIss + 101, ack.Ack);
        Assert.Equal(200u, ack.Header.Options.Timestamp!.Value.EchoReply);
        Assert.Equal(100, c.Receiver.QueuedBytes);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.PawsRejected));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SegmentWithoutTimestamp_IsDroppedSilently_ButAnRstNeedsNone()
    {
        using var bench = new TcpBench();
        TcpConnection c = Establish(bench);
        bench.Deliver(c, PeerData(0), TcpBench.Pattern(100));
        Assert.Empty(bench.Drain(c));
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.MissingTimestamp));

        bench.Deliver(c, TcpBench.Segment(PeerIss + 1, 0, TcpFlags.Rst));
        Assert.Equal(TcpState.Closed, c.State);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void TsRecent_FollowsTheLeftEdge_NotOutOfOrderSegments()
    {
        using var bench = new TcpBench();
        TcpConnection c = Establish(bench);
        bench.Deliver(c, PeerData(1000, options: Ts(300)), TcpBench.Pattern(100));
        SentSegment dup = bench.Single(c);
        Assert.Equal(101u, dup.Header.Options.Timestamp!.Value.EchoReply);

        bench.Deliver(c, PeerData(0, options: Ts(250)), TcpBench.Pattern(100));
        Assert.Equal(250u, bench.Single(c).Header.Options.Timestamp!.Value.EchoReply);
        bench.CloseAndAssertNoLeaks();
    }
}
