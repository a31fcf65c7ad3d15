using Devmem.Receive;
using Devmem.Uapi;

namespace Devmem.Tests.Receive;

public class TokenTableTests
{
    private sealed class Item
    {
        public int Released;
    }

    [Fact]
    public void Ids_StartAtOne_AndAreNeverZero()
    {
        var table = new TokenTable<Item>();
        Span<uint> ids = stackalloc uint[3];
        Assert.Equal(3, table.Reserve(ids));
        Assert.Equal(new uint[] { 1, 2, 3 }, ids.ToArray());
        table.Rollback(ids);
        Assert.Equal(0, table.ReservedCount);
    }

    [Fact]
    public void ReservedIds_AreInvisibleToErase_UntilCommitted()
    {
        var table = new TokenTable<Item>();
        Span<uint> ids = stackalloc uint[1];
        table.Reserve(ids);
        Assert.False(table.TryErase(ids[0], out _));
        var item = new Item();
        table.Commit(ids, [item]);
        Assert.True(table.TryErase(ids[0], out var erased));
        Assert.Same(item, erased);
        Assert.False(table.TryErase(ids[0], out _));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void RolledBackAndErasedIds_AreReused()
    {
        var table = new TokenTable<Item>();
        Span<uint> ids = stackalloc uint[4];
        table.Reserve(ids);
        table.Commit(ids[..2], [new Item(), new Item()]);
        table.Rollback(ids[2..]);
        Span<uint> again = stackalloc uint[2];
        table.Reserve(again);
        Assert.Equal(new uint[] { 3, 4 }, again.ToArray().Order());
        table.Rollback(again);
        Assert.True(table.TryErase(1, out _));
        table.Reserve(again[..1]);
        Assert.Equal(1u, again[0]);
        table.Rollback(again[..1]);
    }

    [Fact]
    public void CommittingAnIdNotReserved_Throws()
    {
        var table = new TokenTable<Item>();
        Assert.Throws<InvalidOperationException>(() => table.Commit([5u], [new Item()]));
        Assert.Throws<InvalidOperationException>(() => table.Rollback([1u]));
    }

    [Fact]
    public void Exhaustion_ReservesFewerThanAsked()
    {
        var table = new TokenTable<Item>(maxId: 3);
        Span<uint> ids = stackalloc uint[5];
        Assert.Equal(3, table.Reserve(ids));
        Assert.Equal(0, table.Reserve(ids));
        table.Rollback(ids[..3]);
    }

    [Fact]
    public void AMillionTokensOutstanding_AllDistinct_AllErasedOnce()
    {
        const int count = 1_000_000;
        var table = new TokenTable<Item>();
        var item = new Item();
        uint[] ids = new uint[128];
        var items = Enumerable.Repeat(item, 128).ToArray();
        var seen = new bool[count + 1];
        for (int done = 0; done < count; done += 128)
        {
            int n = table.Reserve(ids.AsSpan(0, Math.Min(128, count - done)));
            table.Commit(ids.AsSpan(0, n), items.AsSpan(0, n));
            foreach (uint id in ids.AsSpan(0, n))
            {
                Assert.InRange(id, 1u, (uint)count);
                Assert.False(seen[id]);
                seen[id] = true;
            }
        }

        Assert.Equal(count, table.Count);
        int erased = table.EraseRanges([new DmabufToken(1, 500_000)], int.MaxValue, static (i, _) => i.Released++, 0);
        Assert.Equal(500_000, erased);
        Assert.Equal(count - 500_000, table.Drain(static (i, _) => i.Released++, 0));
        Assert.Equal(count, item.Released);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void EraseRanges_CountsEveryVisitedIdAgainstTheBudget()
    {
        var table = new TokenTable<Item>();
        uint[] ids = new uint[10];
        table.Reserve(ids);
        table.Commit(ids, Enumerable.Range(0, 10).Select(_ => new Item()).ToArray());
        Assert.Equal(3, table.EraseRanges([new DmabufToken(100, 2), new DmabufToken(1, 10)], 5, static (_, _) => { }, 0));
        Assert.Equal(7, table.Count);
    }
}
