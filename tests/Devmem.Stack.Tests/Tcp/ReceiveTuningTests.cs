using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>Receive-buffer auto-tuning (Linux's dynamic right-sizing): the buffer follows the bytes per round trip, within the maximum.</summary>
public class ReceiveTuningTests
{
    // 64 KiB to start, 256 KiB at most; no timestamps and a 0 µs handshake sample leave the 1 s initial RTO
    // as the round trip the receiver measures over.
    private static readonly TcpConnectionOptions Tuned = TcpBench.Plain with
    {
        WindowScaling = true,
        ReceiveBufferSize = 64 * 1024,
        MaxReceiveBufferSize = 256 * 1024,
    };

    // The peer offers window scaling too, or no window past 64 KiB could be advertised.
    private static readonly TcpOptions ScalingPeer = new() { Mss = 1000, SackPermitted = true, WindowScale = 7 };

    // Delivers `segments` in-order segments of 1000 bytes from stream offset `offset`, the application reading each.
    private static int Deliver(TcpBench bench, TcpConnection c, int offset, int segments)
    {
        for (int i = 0; i < segments; i++)
        {
            bench.Deliver(c, PeerData(offset), TcpBench.Pattern(1000, offset));
            bench.ReceiveAll(c.Receiver);
            bench.Drain(c);
            offset += 1000;
        }

        return offset;
    }

    [Fact]
    public void AFlowFillingTheWindowEachRoundTrip_GrowsTheBuffer_UpToTheMaximum()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, Tuned, peerOptions: ScalingPeer);
        Assert.Equal(64 * 1024, c.ReceiveBufferSize);

        // The first segment starts the measurement; the 41 KB after it (the last one a round trip later)
        // make the buffer twice that plus 16 segments.
        int offset = Deliver(bench, c, 0, 41);
        bench.Advance(TimeSpan.FromSeconds(1));
        offset = Deliver(bench, c, offset, 1);
        Assert.Equal((2 * 41_000) + (16 * 1000), c.ReceiveBufferSize);
        Assert.Equal(1, c.Counters.ReceiveBufferGrowths);

        // Faster rounds keep it growing, never past the maximum.
        for (int round = 0; round < 4; round++)
        {
            offset = Deliver(bench, c, offset, 130);
            bench.Advance(TimeSpan.FromSeconds(1));
        }

        Deliver(bench, c, offset, 1);
        Assert.Equal(256 * 1024, c.ReceiveBufferSize);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ASlowFlow_LeavesTheBufferAlone()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, Tuned, peerOptions: ScalingPeer);
        int offset = 0;
        for (int round = 0; round < 5; round++)
        {
            offset = Deliver(bench, c, offset, 5);
            bench.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(64 * 1024, c.ReceiveBufferSize);
        Assert.Equal(0, c.Counters.ReceiveBufferGrowths);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void AReaderThatDoesNotRead_IsNotGivenMoreBuffer()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, Tuned, peerOptions: ScalingPeer);
        for (int round = 0, offset = 0; round < 3; round++)
        {
            // 60 KB arrive per round trip but stay queued: the window fills, the buffer does not grow.
            for (int i = 0; i < 60; i++, offset += 1000)
            {
                bench.Deliver(c, PeerData(offset), TcpBench.Pattern(1000, offset));
                bench.Drain(c);
            }

            bench.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(64 * 1024, c.ReceiveBufferSize);
        bench.ReceiveAll(c.Receiver);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void WithoutWindowScaling_TheBufferStopsAt64KiB()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, Tuned with { WindowScaling = false, ReceiveBufferSize = 20_000 });
        int offset = Deliver(bench, c, 0, 50);
        bench.Advance(TimeSpan.FromSeconds(1));
        offset = Deliver(bench, c, offset, 50);
        bench.Advance(TimeSpan.FromSeconds(1));
        Deliver(bench, c, offset, 50);
        Assert.Equal(ushort.MaxValue, c.ReceiveBufferSize);
        bench.CloseAndAssertNoLeaks();
    }
}
