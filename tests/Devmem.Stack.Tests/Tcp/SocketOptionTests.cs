using Devmem.Stack.Tcp;
using Devmem.Uapi;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>Options an application changes on an open connection: TCP_CORK, TCP_NODELAY, TCP_USER_TIMEOUT (RFC 5482).</summary>
public class SocketOptionTests
{
    [Fact]
    public void Cork_HoldsPartialSegments_For200msAtMost_AndUncorkingSendsThem()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, TcpBench.Plain with { NoDelay = true });
        c.Cork = true;
        c.Send(TcpBench.Pattern(500));
        Assert.Empty(bench.Drain(c));
        Assert.Equal(bench.Now + 200_000, c.PollAt(bench.Now));
        Assert.Equal(500, Assert.Single(bench.RunToNextDeadline(c)).Payload.Length);

        // Full segments go at once; the tail waits for the uncork.
        bench.Deliver(c, PeerAck(500));
        c.Send(TcpBench.Pattern(2500));
        Assert.Equal([1000, 1000], bench.Drain(c).Select(s => s.Payload.Length));
        c.Cork = false;
        Assert.Equal(500, bench.Single(c).Payload.Length);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void NoDelay_SetOnAnOpenConnection_LetsShortSegmentsPassNagle()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        Assert.False(c.NoDelay);
        c.Send(TcpBench.Pattern(100));
        Assert.Single(bench.Drain(c));
        c.Send(TcpBench.Pattern(100));
        Assert.Empty(bench.Drain(c));

        c.NoDelay = true;
        c.Send(TcpBench.Pattern(100));
        Assert.Equal(200, bench.Single(c).Payload.Length);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void UserTimeout_EndsTheConnection_BeforeTheRetransmissionCountWould()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        c.UserTimeout = TimeSpan.FromSeconds(2.5);
        long sentAt = bench.Now;
        c.Send(TcpBench.Pattern(100));
        bench.Drain(c);

        // RTOs at 1 s and 3 s; the user timeout falls between them.
        Assert.Single(bench.RunToNextDeadline(c));
        Assert.Equal(sentAt + 2_500_000, c.PollAt(bench.Now));
        bench.RunToNextDeadline(c);
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(Errno.ETIMEDOUT, c.Error);
        Assert.Equal(1, c.Counters.RetransmissionTimeouts);
        bench.CloseAndAssertNoLeaks();
    }
}
