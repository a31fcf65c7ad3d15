using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>Zero-window probes (RFC 9293 §3.8.6.1) and keepalives (§3.8.4).</summary>
public class ProbeTests
{
    [Fact]
    public void ZeroWindow_PersistTimerProbesWithOneOctet_BackingOff_UntilTheWindowOpens()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, peerWindow: 0);
        byte[] data = TcpBench.Pattern(300);
        c.Send(data);
        Assert.Empty(bench.Drain(c));
        long start = bench.Now;
        Assert.Equal(start + 1_000_000, c.PollAt(bench.Now));

        SentSegment probe = Assert.Single(bench.RunToNextDeadline(c));
        Assert.Equal((TcpFlags.Ack, Iss + 1), (probe.Flags, probe.Seq));
        Assert.Equal(data[..1], probe.Payload);
        Assert.Equal(1, c.Counters.WindowProbes);

        // Still closed: the next probe comes after twice the interval.
        bench.Deliver(c, PeerAck(0, window: 0));
        Assert.Empty(bench.Drain(c));
        Assert.Equal(bench.Now + 2_000_000, c.PollAt(bench.Now));
        probe = Assert.Single(bench.RunToNextDeadline(c));
        Assert.Equal(Iss + 1, probe.Seq);

        // The window opened and the probe's octet was taken: the rest follows.
        bench.Deliver(c, PeerAck(1, window: 20000));
        SentSegment rest = bench.Single(c);
        Assert.Equal(Iss + 2, rest.Seq);
        Assert.Equal(data[1..], rest.Payload);
        Assert.Equal(0, c.Counters.RetransmissionTimeouts);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ZeroWindow_OpeningWithoutTakingTheProbe_SendsFromTheProbedOctet()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, peerWindow: 0);
        byte[] data = TcpBench.Pattern(300);
        c.Send(data);
        bench.RunToNextDeadline(c);
        bench.Deliver(c, PeerAck(0, window: 20000));
        SentSegment all = bench.Single(c);
        Assert.Equal(Iss + 1, all.Seq);
        Assert.Equal(data, all.Payload);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Keepalive_ProbesAnIdleConnection_AndGivesUpWhenUnanswered()
    {
        using var bench = new TcpBench();
        var options = TcpBench.Plain with
        {
            KeepAlive = true,
            KeepAliveIdle = TimeSpan.FromSeconds(10),
            KeepAliveInterval = TimeSpan.FromSeconds(1),
            KeepAliveProbes = 2,
        };
        TcpConnection c = EstablishActive(bench, options);
        long start = bench.Now;
        SentSegment probe = Assert.Single(bench.RunToNextDeadline(c));
        Assert.Equal(start + 10_000_000, bench.Now);
        Assert.Equal((TcpFlags.Ack, Iss, PeerIss + 1, 0), (probe.Flags, probe.Seq, probe.Ack, probe.Payload.Length));

        // Answered: the idle period starts over.
        bench.Deliver(c, PeerAck(0));
        Assert.Equal(bench.Now + 10_000_000, c.PollAt(bench.Now));

        Assert.Single(bench.RunToNextDeadline(c));
        Assert.Single(bench.RunToNextDeadline(c));
        Assert.Empty(bench.RunToNextDeadline(c));
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.ETIMEDOUT, c.Error);
        Assert.Equal(3, c.Counters.KeepaliveProbes);
        bench.CloseAndAssertNoLeaks();
    }
}
