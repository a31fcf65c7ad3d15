using Devmem.Memory;
using Devmem.Skb;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// SkBuff.TrimFront / TrimBack, which the receive path uses to cut overlaps and data past the window:
/// frags move their offsets or drop their net_iov references, and nothing is read or leaked.
/// </summary>
public class SkbTrimTests
{
    [Fact]
    public void TrimFront_CutsLinearThenFrags_DroppingWholeFragReferences()
    {
        using var bench = new TcpBench();
        SkBuff skb = bench.Skbs.Rent();
        skb.Seq = 100;
        skb.AppendLinear([1, 2, 3, 4]);
        NetIov first = Allocate(bench);
        NetIov second = Allocate(bench);
        Assert.True(skb.TryAddFrag(first, 0, 1000));
        Assert.True(skb.TryAddFrag(second, 10, 500));
        Assert.Equal(2, bench.DevicePool.InFlight);

        skb.TrimFront(2);
        Assert.Equal(102u, skb.Seq);
        Assert.Equal(new byte[] { 3, 4 }, skb.Linear.ToArray());

        skb.TrimFront(1002);
        Assert.Equal(1104u, skb.Seq);
        Assert.Equal(0, skb.HeadLength);
        Assert.Equal(1, skb.FragCount);
        Assert.Equal(1, bench.DevicePool.InFlight);

        skb.TrimFront(100);
        Assert.Equal(new SkbFrag(second, 110, 400), skb.Frags[0]);
        Assert.Equal(400, skb.Length);
        Assert.Equal(1604u, skb.EndSeq);
        Assert.True(skb.IsUnreadable);

        skb.Free();
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void TrimBack_ShortensACutFrag_AndReleasesTheRest()
    {
        using var bench = new TcpBench();
        SkBuff skb = bench.Skbs.Rent();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(skb.TryAddFrag(Allocate(bench), 0, 1000));
        }

        skb.TrimBack(1500);
        Assert.Equal(1500, skb.Length);
        Assert.Equal(2, skb.FragCount);
        Assert.Equal(500, skb.Frags[1].Size);
        Assert.Equal(2, bench.DevicePool.InFlight);

        skb.TrimBack(0);
        Assert.Equal(0, skb.Length);
        Assert.Equal(0, bench.DevicePool.InFlight);
        skb.Free();
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Trims_WalkIntoTheFragList()
    {
        using var bench = new TcpBench();
        SkBuff head = bench.Skbs.Rent();
        Assert.True(head.TryAddFrag(Allocate(bench), 0, 100));
        for (int i = 0; i < 3; i++)
        {
            SkBuff member = bench.Skbs.Rent();
            Assert.True(member.TryAddFrag(Allocate(bench), 0, 100));
            head.AppendFragList(member);
        }

        Assert.Equal(400, head.Length);
        head.TrimFront(150);
        Assert.Equal(250, head.Length);
        Assert.Equal(3, bench.DevicePool.InFlight);
        Assert.Equal(4, bench.Skbs.InUse);

        head.TrimBack(120);
        Assert.Equal(120, head.Length);
        Assert.Equal(2, bench.DevicePool.InFlight);
        Assert.Equal(3, bench.Skbs.InUse);

        head.Free();
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void LinearTrimmedAtTheFront_CanStillGrow()
    {
        using var bench = new TcpBench();
        SkBuff skb = bench.Skbs.Rent();
        skb.AppendLinear([1, 2, 3]);
        skb.TrimFront(1);
        skb.AppendLinear([4]);
        Assert.Equal(new byte[] { 2, 3, 4 }, skb.Linear.ToArray());
        skb.Free();
        bench.CloseAndAssertNoLeaks();
    }

    private static NetIov Allocate(TcpBench bench)
    {
        Assert.True(bench.DevicePool.TryAllocate(out NetIov? netIov));
        return netIov;
    }
}
