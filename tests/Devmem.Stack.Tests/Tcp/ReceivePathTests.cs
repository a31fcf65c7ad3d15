using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// The receive path: in-order skbs to the devmem receiver untouched, out-of-order skbs held and SACKed
/// (RFC 2018), overlaps trimmed, the window enforced (RFC 9293 §3.10.7.4), and the ACK policy
/// (RFC 5681 §4.2).
/// </summary>
public class ReceivePathTests
{
    private static readonly TcpConnectionOptions NoQuickAcks = TcpBench.Plain with { QuickAcks = 0 };

    [Fact]
    public void InOrderData_ReachesTheReceiverAsDeviceMemory_ByteExact()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        byte[] data = TcpBench.Pattern(3000);
        for (int i = 0; i < 3; i++)
        {
            bench.Deliver(c, PeerData(i * 1000), data.AsSpan(i * 1000, 1000));
        }

        Assert.Equal(3000, c.Receiver.QueuedBytes);
        Assert.Equal(PeerIss + 3001, c.ReceiveNext.Value);
        Assert.Equal(data, bench.ReceiveAll(c.Receiver));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void QuickAcks_AcknowledgeEachSegmentAtTheStart()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, PeerData(0), TcpBench.Pattern(1000));
        SentSegment ack = bench.Single(c);
        Assert.Equal((TcpFlags.Ack, Iss + 1, PeerIss + 1001, (ushort)19000), (ack.Flags, ack.Seq, ack.Ack, ack.Header.Window));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void DelayedAck_OnePerTwoFullSegments_OrAfterTheTimeout()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, NoQuickAcks);
        bench.Deliver(c, PeerData(0), TcpBench.Pattern(1000));
        Assert.Empty(bench.Drain(c));
        Assert.Equal(bench.Now + 40_000, c.PollAt(bench.Now));

        bench.Deliver(c, PeerData(1000), TcpBench.Pattern(1000));
        SentSegment ack = bench.Single(c);
        Assert.Equal(PeerIss + 2001, ack.Ack);

        bench.Deliver(c, PeerData(2000), TcpBench.Pattern(500));
        Assert.Empty(bench.Drain(c));
        long deadline = bench.Now + 40_000;
        List<SentSegment> delayed = bench.RunToNextDeadline(c);
        Assert.Equal(deadline, bench.Now);
        Assert.Single(delayed);
        Assert.Equal(PeerIss + 2501, delayed[0].Ack);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void OutOfOrderData_IsAckedAtOnceWithSackBlocks_MostRecentFirst_AndDeliveredWhenTheGapFills()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, NoQuickAcks);
        byte[] data = TcpBench.Pattern(4000);

        bench.Deliver(c, PeerData(1000), data.AsSpan(1000, 1000));
        SentSegment dup = bench.Single(c);
        Assert.Equal(PeerIss + 1, dup.Ack);
        Assert.Equal([new TcpSackBlock(PeerIss + 1001, PeerIss + 2001)], dup.Header.Options.SackBlocks.ToArray());

        bench.Deliver(c, PeerData(3000), data.AsSpan(3000, 1000));
        dup = bench.Single(c);
        Assert.Equal(
            [new TcpSackBlock(PeerIss + 3001, PeerIss + 4001), new TcpSackBlock(PeerIss + 1001, PeerIss + 2001)],
            dup.Header.Options.SackBlocks.ToArray());
        Assert.Equal(0, c.Receiver.QueuedBytes);
        Assert.Equal(2000, c.OutOfOrderBytes);

        // Filling the first hole: acknowledged at once, one block left.
        bench.Deliver(c, PeerData(0), data.AsSpan(0, 1000));
        SentSegment ack = bench.Single(c);
        Assert.Equal(PeerIss + 2001, ack.Ack);
        Assert.Equal([new TcpSackBlock(PeerIss + 3001, PeerIss + 4001)], ack.Header.Options.SackBlocks.ToArray());

        bench.Deliver(c, PeerData(2000), data.AsSpan(2000, 1000));
        ack = bench.Single(c);
        Assert.Equal(PeerIss + 4001, ack.Ack);
        Assert.True(ack.Header.Options.IsEmpty);
        Assert.Equal(data, bench.ReceiveAll(c.Receiver));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void OverlappingRetransmissions_AreTrimmed_SoEachByteArrivesOnce()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        byte[] data = TcpBench.Pattern(3000);
        bench.Deliver(c, PeerData(0), data.AsSpan(0, 1000));
        bench.Deliver(c, PeerData(500), data.AsSpan(500, 1000));
        bench.Deliver(c, PeerData(2000), data.AsSpan(2000, 1000));
        bench.Deliver(c, PeerData(1200), data.AsSpan(1200, 1500));
        Assert.Equal(3000, c.Receiver.QueuedBytes);
        Assert.Equal(0, c.OutOfOrderBytes);
        Assert.Equal(data, bench.ReceiveAll(c.Receiver));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void OldDuplicate_IsAnsweredWithAnAck_AndCounted()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench);
        bench.Deliver(c, PeerData(0), TcpBench.Pattern(1000));
        bench.Drain(c);
        bench.Deliver(c, PeerData(0), TcpBench.Pattern(1000));
        SentSegment ack = bench.Single(c);
        Assert.Equal(PeerIss + 1001, ack.Ack);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.OldDuplicate));
        Assert.Equal(1000, c.Receiver.QueuedBytes);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void DataOutsideTheWindow_IsDropped_AndDataAcrossTheEdgeIsCut()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, TcpBench.Plain with { ReceiveBufferSize = 4000 });
        bench.Deliver(c, PeerData(5000), TcpBench.Pattern(500));
        SentSegment ack = bench.Single(c);
        Assert.Equal(PeerIss + 1, ack.Ack);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.OutOfWindow));

        bench.Deliver(c, PeerData(3500), TcpBench.Pattern(1000));
        bench.Single(c);
        Assert.Equal(500, c.OutOfOrderBytes);
        Assert.Equal(2, c.Counters.Dropped(TcpDropReason.OutOfWindow));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void OutOfOrderCap_KeepsRoomForTheSegmentThatFillsTheGap()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishPassive(bench, TcpBench.Plain with { ReceiveBufferSize = 4000 });
        byte[] data = TcpBench.Pattern(4000);
        bench.Deliver(c, PeerData(100), data.AsSpan(100, 3000));
        bench.Deliver(c, PeerData(3100), data.AsSpan(3100, 800));
        Assert.Equal(3000, c.OutOfOrderBytes);
        Assert.Equal(1, c.Counters.Dropped(TcpDropReason.OutOfOrderQueueFull));

        bench.Deliver(c, PeerData(0), data.AsSpan(0, 100));
        Assert.Equal(3100, c.Receiver.QueuedBytes);
        Assert.Equal(data[..3100], bench.ReceiveAll(c.Receiver));
        bench.CloseAndAssertNoLeaks();
    }
}
