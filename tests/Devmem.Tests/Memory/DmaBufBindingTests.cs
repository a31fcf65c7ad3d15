using Devmem.Memory;

namespace Devmem.Tests.Memory;

public sealed class DmaBufBindingTests
{
    [Fact]
    public void Binding_Ids_AreAtLeastOneUniqueAndGrowing()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(Page.Size);
        using var first = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var second = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var third = new DmaBufBinding(dmaBuf, BindingDirection.Tx);

        Assert.True(first.Id >= 1);
        Assert.True(second.Id > first.Id);
        Assert.True(third.Id > second.Id);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Binding_TryGet_FindsABoundBindingByIdAndNotAnUnboundOne()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(Page.Size);
        var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);

        Assert.True(DmaBufBinding.TryGet(binding.Id, out DmaBufBinding? found));
        Assert.Same(binding, found);
        binding.Dispose();
        Assert.False(DmaBufBinding.TryGet(binding.Id, out _));
        Assert.False(DmaBufBinding.TryGet(0, out _));
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void ChunkPool_HandsOutEveryChunkOnceThenFails()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(8 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        var taken = new List<NetIov>();

        while (binding.TryAllocate(out NetIov? netIov))
        {
            taken.Add(netIov);
        }

        Assert.Equal(Enumerable.Range(0, 8), taken.Select(n => n.Index));
        Assert.Equal(taken.Select(n => (long)n.Index * Page.Size), taken.Select(n => n.DmaBufOffset));
        Assert.All(taken, n => Assert.True(n.IsDeviceMemory));
        Assert.All(taken, n => Assert.Same(binding, n.Binding));
        Assert.Equal(0, binding.FreeChunks);
        Assert.Equal(8, binding.ChunksInPagePools);
        foreach (NetIov netIov in taken)
        {
            binding.Release(netIov);
        }

        Assert.Equal(8, binding.FreeChunks);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void ChunkPool_LastFreedChunk_IsReusedFirst()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        binding.TryAllocate(out NetIov? a);
        binding.TryAllocate(out NetIov? b);
        binding.TryAllocate(out NetIov? c);

        binding.Release(b!);
        binding.Release(a!);

        Assert.True(binding.TryAllocate(out NetIov? again));
        Assert.Same(a, again);
        binding.Release(again);
        binding.Release(c!);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void ChunkPool_ReleasedTwice_ThrowsAndKeepsCountsRight()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(2 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        binding.TryAllocate(out NetIov? netIov);
        binding.Release(netIov!);

        var error = Assert.Throws<InvalidOperationException>(() => binding.Release(netIov!));

        Assert.Contains("returned twice", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, binding.FreeChunks);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void ChunkPool_ChunkReleasedToAnotherBinding_IsRefused()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(Page.Size);
        using var mine = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var other = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        mine.TryAllocate(out NetIov? netIov);

        var error = Assert.Throws<InvalidOperationException>(() => other.Release(netIov!));

        Assert.Contains("does not own it", error.Message, StringComparison.Ordinal);
        mine.Release(netIov!);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Binding_Unbound_RefusesAllocationButChunksInFlightStayValidUntilReturned()
    {
        using var leaks = MemoryLeakScope.Begin();
        var dmaBuf = new HostDmaBuf(4 * Page.Size);
        var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        binding.TryAllocate(out NetIov? first);
        binding.TryAllocate(out NetIov? second);

        binding.Dispose();
        dmaBuf.Dispose();

        Assert.False(binding.IsBound);
        Assert.False(binding.TryAllocate(out _));
        Assert.False(binding.IsReleased);
        Assert.False(dmaBuf.IsFreed);
        first!.Span.Fill(0xab);
        Assert.Equal(0xab, dmaBuf.GetSpan(first.DmaBufOffset, 1)[0]);
        var notYet = Assert.Throws<MemoryLeakException>(leaks.AssertNoLeaks);
        Assert.Contains($"binding {binding.Id}", notYet.Message, StringComparison.Ordinal);

        binding.Release(first);
        Assert.False(binding.IsReleased);
        binding.Release(second!);

        Assert.True(binding.IsReleased);
        Assert.True(dmaBuf.IsFreed);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Binding_UnboundWithNothingOut_IsReleasedAtOnceAndDropsItsDmaBufReference()
    {
        using var leaks = MemoryLeakScope.Begin();
        var dmaBuf = new HostDmaBuf(Page.Size);
        var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        dmaBuf.Dispose();
        Assert.False(dmaBuf.IsFreed);

        binding.Dispose();

        Assert.True(binding.IsReleased);
        Assert.True(dmaBuf.IsFreed);
        Assert.Equal(0, leaks.TrackedCount);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Binding_OfAFreedDmaBuf_IsRefused()
    {
        using var leaks = MemoryLeakScope.Begin();
        var dmaBuf = new HostDmaBuf(Page.Size);
        dmaBuf.Dispose();

        Assert.Throws<ObjectDisposedException>(() => new DmaBufBinding(dmaBuf, BindingDirection.Rx));
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Binding_DmaBufSmallerThanAPage_IsRefused()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new DeviceOnlyDmaBuf(Page.Size - 1);

        var error = Assert.Throws<ArgumentException>(() => new DmaBufBinding(dmaBuf, BindingDirection.Rx));

        Assert.Contains("smaller than one page", error.Message, StringComparison.Ordinal);
        dmaBuf.Dispose();
        Assert.True(dmaBuf.Freed);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Binding_Tx_IsNotAMemoryProvider()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Tx);

        var error = Assert.Throws<InvalidOperationException>(() => binding.TryAllocate(out _));

        Assert.Contains("TX binding", error.Message, StringComparison.Ordinal);
        Assert.Equal(BindingDirection.Tx, binding.Direction);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Binding_NetIovAt_MapsDmaBufOffsetsToChunks()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new DeviceOnlyDmaBuf(3 * Page.Size + 100);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Tx);

        Assert.Equal(3, binding.TotalChunks);
        Assert.Equal(0, binding.NetIovAt(0).Index);
        Assert.Equal(0, binding.NetIovAt(Page.Size - 1).Index);
        Assert.Equal(1, binding.NetIovAt(Page.Size).Index);
        Assert.Equal(2 * Page.Size, binding.NetIovAt(3 * Page.Size - 1).DmaBufOffset);
        Assert.Throws<ArgumentOutOfRangeException>(() => binding.NetIovAt(3 * Page.Size));
        Assert.Throws<ArgumentOutOfRangeException>(() => binding.NetIovAt(-1));
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Binding_OverDeviceMemory_ChunksAreReachedThroughTheDmaBufOnly()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new DeviceOnlyDmaBuf(2 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);
        Assert.True(pool.TryAllocate(out NetIov? netIov));
        var back = new byte[2];

        dmaBuf.Write(netIov.DmaBufOffset + 8, [1, 2]);
        dmaBuf.Read(netIov.DmaBufOffset + 8, back);

        Assert.Equal([1, 2], back);
        Assert.Throws<InvalidOperationException>(() => netIov.Span.Length);
        netIov.Put();
        leaks.AssertNoLeaks();
    }
}
