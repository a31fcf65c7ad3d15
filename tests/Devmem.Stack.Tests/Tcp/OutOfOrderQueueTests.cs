using Devmem.Skb;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>The out-of-order queue: sorted, never overlapping, capped, and drained at RCV.NXT without copying.</summary>
public class OutOfOrderQueueTests
{
    [Fact]
    public void Insert_KeepsSkbsSortedAndDisjoint_ExistingDataWins()
    {
        using var bench = new TcpBench();
        var queue = new OutOfOrderQueue(16);
        Assert.Equal(TcpDropReason.None, queue.Insert(Skb(bench, 3000, 1000), int.MaxValue));
        Assert.Equal(TcpDropReason.None, queue.Insert(Skb(bench, 1000, 1000), int.MaxValue));

        // Overlaps both neighbours: only [2000, 3000) is new.
        Assert.Equal(TcpDropReason.None, queue.Insert(Skb(bench, 1500, 2000), int.MaxValue));
        Assert.Equal(3, queue.Count);
        Assert.Equal(3000, queue.Bytes);
        Assert.Equal(new TcpSackBlock(1000, 4000), queue.BlockContaining(new SeqNumber(2500)));

        // Wholly inside what is held.
        Assert.Equal(TcpDropReason.OutOfOrderDuplicate, queue.Insert(Skb(bench, 1200, 300), int.MaxValue));
        Assert.Equal(TcpDropReason.OutOfOrderDuplicate, queue.Insert(Skb(bench, 2000, 1000), int.MaxValue));
        Assert.Null(queue.BlockContaining(new SeqNumber(500)));
        Assert.Null(queue.BlockContaining(new SeqNumber(4000)));

        queue.Purge();
        Assert.Equal(0, queue.Count);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Insert_ReplacesSkbsItCoversEntirely()
    {
        using var bench = new TcpBench();
        var queue = new OutOfOrderQueue(16);
        queue.Insert(Skb(bench, 1000, 100), int.MaxValue);
        queue.Insert(Skb(bench, 1200, 100), int.MaxValue);
        queue.Insert(Skb(bench, 1400, 100), int.MaxValue);
        Assert.Equal(TcpDropReason.None, queue.Insert(Skb(bench, 900, 700), int.MaxValue));
        Assert.Equal(1, queue.Count);
        Assert.Equal(700, queue.Bytes);
        Assert.Equal(1, bench.DevicePool.InFlight);
        queue.Purge();
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Insert_RefusesPastTheByteAndSkbCaps()
    {
        using var bench = new TcpBench();
        var queue = new OutOfOrderQueue(2);
        Assert.Equal(TcpDropReason.None, queue.Insert(Skb(bench, 1000, 100), 250));
        Assert.Equal(TcpDropReason.OutOfOrderQueueFull, queue.Insert(Skb(bench, 2000, 200), 250));
        Assert.Equal(TcpDropReason.None, queue.Insert(Skb(bench, 2000, 150), 250));
        Assert.Equal(TcpDropReason.OutOfOrderQueueFull, queue.Insert(Skb(bench, 3000, 1), int.MaxValue));
        queue.Purge();
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void TakeNext_CutsTheHeadToRcvNxt_AndFreesWhatIsBelow()
    {
        using var bench = new TcpBench();
        var queue = new OutOfOrderQueue(16);
        queue.Insert(Skb(bench, 1000, 100), int.MaxValue);
        queue.Insert(Skb(bench, 1100, 100), int.MaxValue);
        queue.Insert(Skb(bench, 1300, 100), int.MaxValue);
        Assert.Null(queue.TakeNext(new SeqNumber(999)));

        SkBuff? next = queue.TakeNext(new SeqNumber(1150));
        Assert.NotNull(next);
        Assert.Equal(1150u, next.Seq);
        Assert.Equal(50, next.Length);
        Assert.Equal(1, queue.Count);
        next.Free();
        Assert.Null(queue.TakeNext(new SeqNumber(1200)));
        queue.Purge();
        bench.CloseAndAssertNoLeaks();
    }

    private static SkBuff Skb(TcpBench bench, uint seq, int length)
    {
        SkBuff skb = bench.DevicePayload(TcpBench.Pattern(length));
        skb.Seq = seq;
        return skb;
    }
}
