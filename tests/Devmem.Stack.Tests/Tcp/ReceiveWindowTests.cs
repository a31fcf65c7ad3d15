using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// The advertised window: scaled (RFC 7323 §2), never shrinking (RFC 9293 §3.8.6.2.2), and counting the
/// device memory the application holds through tokens, so that returning them reopens it with a window update.
/// </summary>
public class ReceiveWindowTests
{
    [Fact]
    public void WindowShrinksWhileTokensAreHeld_AndReopensWithAWindowUpdateWhenTheyReturn()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        int wakeups = 0;
        c.Receiver.SpaceFreed += (_, _) => wakeups++;
        byte[] data = TcpBench.Pattern(4000);
        var windows = new List<int>();
        for (int i = 0; i < 4; i++)
        {
            bench.Deliver(c, PeerData(i * 1000), data.AsSpan(i * 1000, 1000));
            windows.Add(bench.Single(c).Header.Window);
        }

        Assert.Equal([19000, 18000, 17000, 16000], windows);

        // The application reads everything but keeps its tokens: the bytes move from the queue to the
        // application, and the window stays closed by as much.
        Assert.Equal(data, bench.ReceiveAll(c.Receiver, returnTokens: false, out List<uint> tokens));
        Assert.Equal(0, c.Receiver.QueuedBytes);
        Assert.Equal(4000, c.Receiver.HeldBytes);
        Assert.Equal(1, wakeups);
        Assert.Empty(bench.Drain(c));
        Assert.Equal(TcpConnection.Never, c.PollAt(bench.Now));

        bench.Deliver(c, PeerData(4000), TcpBench.Pattern(1000));
        Assert.Equal(15000, bench.Single(c).Header.Window);

        // Returning the tokens gives the memory back: a window update goes out on its own.
        TcpBench.ReturnTokens(c.Receiver, tokens);
        Assert.Equal(0, c.Receiver.HeldBytes);
        Assert.Equal(1 + tokens.Count, wakeups);
        Assert.Equal(bench.Now, c.PollAt(bench.Now));
        SentSegment update = bench.Single(c);
        Assert.Equal((TcpFlags.Ack, PeerIss + 5001, (ushort)19000), (update.Flags, update.Ack, update.Header.Window));
        Assert.Equal(1, c.Counters.WindowUpdates);
        bench.ReceiveAll(c.Receiver);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void HeldTokensCloseTheWindow_DataIsRefused_UntilTheyReturn()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, TcpBench.Plain with { ReceiveBufferSize = 4000 });
        byte[] data = TcpBench.Pattern(5000);
        for (int i = 0; i < 4; i++)
        {
            bench.Deliver(c, PeerData(i * 1000), data.AsSpan(i * 1000, 1000));
        }

        Assert.Equal(0, bench.Drain(c)[^1].Header.Window);
        bench.ReceiveAll(c.Receiver, returnTokens: false, out List<uint> tokens);
        Assert.Empty(bench.Drain(c));

        // A segment into the closed window: its ACK counts, its data does not; the reply repeats the zero window.
        bench.Deliver(c, PeerData(4000), data.AsSpan(4000, 1000));
        SentSegment refused = bench.Single(c);
        Assert.Equal((PeerIss + 4001, (ushort)0), (refused.Ack, refused.Header.Window));
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.OutOfWindow));

        // Half the tokens back: past the SWS threshold, so the window reopens by what they held.
        TcpBench.ReturnTokens(c.Receiver, tokens.Take(tokens.Count / 2));
        SentSegment update = bench.Single(c);
        Assert.Equal(2000, update.Header.Window);
        bench.Deliver(c, PeerData(4000), data.AsSpan(4000, 1000));
        Assert.Equal(1000, c.Receiver.QueuedBytes);
        TcpBench.ReturnTokens(c.Receiver, tokens.Skip(tokens.Count / 2));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void FreedSpaceBelowTheSwsThreshold_DoesNotMoveTheWindow()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, TcpBench.Plain with { ReceiveBufferSize = 4000 });
        for (int i = 0; i < 4; i++)
        {
            bench.Deliver(c, PeerData(i * 500), TcpBench.Pattern(500));
        }

        bench.Drain(c);
        bench.ReceiveAll(c.Receiver, returnTokens: false, out List<uint> tokens);
        TcpBench.ReturnTokens(c.Receiver, tokens.Take(1));
        Assert.Empty(bench.Drain(c));
        TcpBench.ReturnTokens(c.Receiver, tokens.Skip(1).Take(1));
        Assert.Equal(3000, bench.Single(c).Header.Window);
        TcpBench.ReturnTokens(c.Receiver, tokens.Skip(2));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ScaledWindows_AreShiftedBothWays()
    {
        using var bench = new TcpBench();
        var options = TcpBench.Plain with { WindowScaling = true, ReceiveBufferSize = 1 << 20, MaxReceiveBufferSize = 1 << 20 };
        TcpConnection c = bench.NewConnection(options);
        c.Connect(Iss);
        SentSegment syn = bench.Single(c);
        Assert.Equal((byte)5, syn.Header.Options.WindowScale);
        Assert.Equal(65535, syn.Header.Window);

        bench.Deliver(c, TcpBench.Segment(PeerIss, Iss + 1, TcpFlags.Syn | TcpFlags.Ack, 65535, new TcpOptions { Mss = 1000, WindowScale = 3 }));
        Assert.Equal(65535, c.SendWindow);
        SentSegment ack = bench.Single(c);
        Assert.Equal((1 << 20) >> 5, ack.Header.Window);

        bench.Deliver(c, PeerData(0, window: 1000), TcpBench.Pattern(1000));
        Assert.Equal(8000, c.SendWindow);

        // 1 MiB - 1000 bytes is not a multiple of 32: rounded up, the right edge stays where it was.
        Assert.Equal(((1 << 20) - 1000 + 31) >> 5, bench.Single(c).Header.Window);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ZeroWindow_StillTakesAFin()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, TcpBench.Plain with { ReceiveBufferSize = 2000 });
        bench.Deliver(c, PeerData(0), TcpBench.Pattern(2000));
        Assert.Equal(0, bench.Single(c).Header.Window);
        bench.Deliver(c, PeerData(2000, extra: TcpFlags.Fin));
        Assert.Equal(TcpState.CloseWait, c.State);
        Assert.Equal(PeerIss + 2002, bench.Single(c).Ack);
        bench.CloseAndAssertNoLeaks();
    }
}
