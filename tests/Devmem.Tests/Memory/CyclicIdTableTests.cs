using Devmem.Memory;

namespace Devmem.Tests.Memory;

public sealed class CyclicIdTableTests
{
    [Fact]
    public void CyclicIds_StartAtMinAndGrow()
    {
        using var leaks = MemoryLeakScope.Begin();
        var table = new CyclicIdTable<object>(1, 10);

        Assert.Equal([1u, 2u, 3u], [table.Add(new()), table.Add(new()), table.Add(new())]);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void CyclicIds_FreedId_IsNotReusedBeforeTheCursorWraps()
    {
        using var leaks = MemoryLeakScope.Begin();
        var table = new CyclicIdTable<object>(1, 5);
        table.Add(new());
        uint two = table.Add(new());
        table.Add(new());

        table.Remove(two);

        Assert.Equal(4u, table.Add(new()));
        Assert.Equal(5u, table.Add(new()));
        Assert.Equal(2u, table.Add(new()));
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void CyclicIds_AtTheTopOfTheRange_WrapToMinSkippingIdsInUse()
    {
        using var leaks = MemoryLeakScope.Begin();
        var table = new CyclicIdTable<object>(uint.MaxValue - 3, uint.MaxValue);
        uint first = table.Add(new());
        uint second = table.Add(new());
        table.Add(new());
        uint last = table.Add(new());
        Assert.Equal(uint.MaxValue, last);

        table.Remove(second);
        table.Remove(last);

        Assert.Equal(second, table.Add(new()));
        Assert.Equal(last, table.Add(new()));
        Assert.Equal(first + 1, second);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void CyclicIds_AllInUse_AddThrowsEbusy()
    {
        using var leaks = MemoryLeakScope.Begin();
        var table = new CyclicIdTable<object>(7, 8);
        table.Add(new());
        table.Add(new());

        var error = Assert.Throws<InvalidOperationException>(() => table.Add(new()));

        Assert.Contains("EBUSY", error.Message, StringComparison.Ordinal);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void CyclicIds_TryGet_FindsUntilRemoved()
    {
        using var leaks = MemoryLeakScope.Begin();
        var table = new CyclicIdTable<string>(1, 100);
        uint id = table.Add("x");

        Assert.True(table.TryGet(id, out string? found));
        Assert.Equal("x", found);
        table.Remove(id);
        Assert.False(table.TryGet(id, out _));
        Assert.Equal(0, table.Count);
        leaks.AssertNoLeaks();
    }
}
