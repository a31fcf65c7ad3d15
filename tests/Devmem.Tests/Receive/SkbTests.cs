using Devmem.Receive;
using Devmem.Skb;

namespace Devmem.Tests.Receive;

public class SkbTests
{
    [Fact]
    public void DeviceFrag_MarksTheSkbUnreadable_HostFragDoesNot()
    {
        using var f = new ReceiveFixture();
        var readable = f.BuildSkb(5, [(0, 10)], device: false);
        Assert.False(readable.IsUnreadable);
        var unreadable = f.BuildSkb(5, [(0, 10)]);
        Assert.True(unreadable.IsUnreadable);
        var chain = f.BuildSkb(0, [(0, 10)], device: false);
        chain.AppendFragList(f.BuildSkb(0, [(0, 10)]));
        Assert.True(chain.IsUnreadable);
        Assert.Equal(20, chain.Length);
        Assert.Equal(10, chain.OwnLength);
        readable.Free();
        unreadable.Free();
        chain.Free();
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Skb_HoldsAtMost17Frags()
    {
        using var f = new ReceiveFixture();
        var skb = f.BuildSkb(0, Enumerable.Repeat((0, 1), SkBuff.MaxFrags).ToArray());
        var extra = f.AllocateDevice();
        Assert.False(skb.TryAddFrag(extra, 0, 1));
        extra.Put();
        skb.Free();
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Free_DropsFragReferences_AndTheSkbIsReused()
    {
        using var f = new ReceiveFixture();
        var skb = f.BuildSkb(3, [(0, 100), (200, 100)]);
        Assert.Equal(2, f.DevicePool.InFlight);
        skb.Free();
        Assert.Equal(0, f.DevicePool.InFlight);
        Assert.Throws<InvalidOperationException>(skb.Free);
        long created = f.Skbs.Created;
        for (int i = 0; i < 100; i++)
        {
            f.BuildSkb(1, [(0, 10)]).Free();
        }

        Assert.Equal(created, f.Skbs.Created);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void LinearAfterAFrag_IsRefused()
    {
        using var f = new ReceiveFixture();
        var skb = f.BuildSkb(0, [(0, 10)]);
        Assert.Throws<InvalidOperationException>(() => skb.AppendLinear([1, 2]));
        skb.Free();
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Queue_CoalescesNeighboursOfTheSameKindOnly()
    {
        using var f = new ReceiveFixture();
        var queue = new SocketReceiveQueue(1000);
        queue.Enqueue(f.BuildSkb(0, [(0, 10)]));
        queue.Enqueue(f.BuildSkb(0, [(0, 10)]));
        Assert.Equal(1, queue.Count);
        queue.Enqueue(f.BuildSkb(0, [(0, 10)], device: false));
        queue.Enqueue(f.BuildSkb(0, [(0, 10)], device: false));
        Assert.Equal(2, queue.Count);
        queue.Enqueue(f.BuildSkb(0, [(0, 10)]));
        Assert.Equal(3, queue.Count);
        Assert.Equal(2, queue.Coalesced);
        Assert.True(queue.Head!.IsUnreadable);
        Assert.False(queue.Head.Next!.IsUnreadable);
        Assert.Equal(50, queue.Bytes);
        queue.Purge();
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Queue_DoesNotCoalesceAnSkbWithLinearData_OrPast17Frags()
    {
        using var f = new ReceiveFixture();
        var queue = new SocketReceiveQueue(1000);
        queue.Enqueue(f.BuildSkb(0, Enumerable.Repeat((0, 1), 16).ToArray()));
        queue.Enqueue(f.BuildSkb(0, [(0, 1), (0, 1)]));
        queue.Enqueue(f.BuildSkb(1, [(0, 1)]));
        Assert.Equal(3, queue.Count);
        queue.Purge();
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Queue_RefusesOutOfOrderSkbs_AndConsumesPartially()
    {
        using var f = new ReceiveFixture();
        var queue = new SocketReceiveQueue(1000);
        queue.Enqueue(f.BuildSkb(0, [(0, 100)]));
        var gap = f.BuildSkb(0, [(0, 10)]);
        gap.Seq += 5;
        Assert.Throws<InvalidOperationException>(() => queue.Enqueue(gap));
        gap.Free();
        queue.Consume(40);
        Assert.Equal(40, queue.HeadOffset);
        Assert.Equal(60, queue.Bytes);
        queue.Consume(60);
        Assert.Null(queue.Head);
        Assert.Equal(0, f.Skbs.InUse);
        f.CloseAndAssertNoLeaks();
    }
}
