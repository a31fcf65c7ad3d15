using Devmem.Memory;

namespace Devmem.Tests.Memory;

public sealed class PagePoolTests
{
    [Fact]
    public void PagePool_New_TakesNothingUntilTheFirstAllocation()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding, name: "rxq0");

        Assert.Equal(4, binding.FreeChunks);
        Assert.True(pool.TryAllocate(out NetIov? netIov));
        Assert.Equal(1, pool.ChunksHeld);
        Assert.Equal(1, binding.ChunksInPagePools);
        netIov.Put();
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void PagePool_RecycledChunks_AreReusedBeforeTheProviderIsAskedAgain()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(8 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);
        NetIov[] first = AllocateMany(pool, 3);
        PutAll(first);

        NetIov[] second = AllocateMany(pool, 3);

        Assert.Equal(first.ToHashSet(), second.ToHashSet());
        Assert.Equal(5, binding.FreeChunks);
        PutAll(second);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void PagePool_Exhausted_FailsAndCountsAllocFailures()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(2 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);
        NetIov[] all = AllocateMany(pool, 2);

        Assert.False(pool.TryAllocate(out NetIov? none));
        Assert.False(pool.TryAllocate(out _));

        Assert.Null(none);
        Assert.Equal(2, pool.AllocFailures);
        Assert.Equal(2, pool.Allocated);
        PutAll(all);
        Assert.True(pool.TryAllocate(out NetIov? afterReturn));
        afterReturn.Put();
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void PagePool_RecycleWhenRingFull_ReleasesToProvider()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(8 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding, ringSize: 2);
        NetIov[] out4 = AllocateMany(pool, 4);

        PutAll(out4);

        Assert.Equal(2, pool.Cached);
        Assert.Equal(2, pool.ReleasedToProvider);
        Assert.Equal(2, pool.ChunksHeld);
        Assert.Equal(6, binding.FreeChunks);
        Assert.All(out4.Skip(2), n => Assert.Null(n.PagePool));
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void PagePool_EmptyAllocCache_RefillsExactlyOneBatchFromTheRing()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(200 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding, ringSize: 100);
        NetIov[] out164 = AllocateMany(pool, 100 + PagePool.AllocCacheRefill);
        PutAll(out164.AsSpan(0, 100));
        Assert.Equal(0, pool.ReleasedToProvider);

        // The ring is full; one allocation moves a batch of 64 into the alloc cache, making room for
        // exactly 64 more in the ring, and not one more.
        pool.TryAllocate(out NetIov? one);
        PutAll(out164.AsSpan(100));
        Assert.Equal(0, pool.ReleasedToProvider);
        one!.Put();
        Assert.Equal(1, pool.ReleasedToProvider);

        Assert.Equal(163, pool.Cached);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void PagePool_Destroyed_ReleasesCachedChunksToTheProviderAtOnce()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        var pool = new PagePool(binding);
        PutAll(AllocateMany(pool, 3));

        pool.Dispose();

        Assert.Equal(4, binding.FreeChunks);
        Assert.Equal(3, pool.ReleasedToProvider);
        Assert.True(pool.IsReleased);
        Assert.False(PagePool.TryGet(pool.Id, out _));
        Assert.Throws<ObjectDisposedException>(() => pool.TryAllocate(out _));
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void PagePool_DestroyedWithChunksInFlight_ReleasesThemToTheProviderAsTheyReturn()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        var pool = new PagePool(binding, name: "restarted queue");
        NetIov[] out3 = AllocateMany(pool, 3);
        out3[0].Put();

        pool.Dispose();

        Assert.True(pool.IsDestroyed);
        Assert.False(pool.IsReleased);
        Assert.Equal(2, pool.InFlight);
        Assert.Equal(2, binding.FreeChunks);
        Assert.True(PagePool.TryGet(pool.Id, out PagePool? detached));
        Assert.Same(pool, detached);

        out3[1].Put();
        Assert.Equal(3, binding.FreeChunks);
        Assert.False(pool.IsReleased);
        out3[2].Put();

        Assert.Equal(4, binding.FreeChunks);
        Assert.True(pool.IsReleased);
        Assert.Equal(0, pool.ChunksHeld);
        Assert.False(PagePool.TryGet(pool.Id, out _));
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void QueueRestart_NewPoolOverTheSameBinding_GetsChunksTheOldOneGaveBack()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(2 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        var old = new PagePool(binding);
        NetIov[] held = AllocateMany(old, 2);
        old.Dispose();
        using var fresh = new PagePool(binding);
        Assert.False(fresh.TryAllocate(out _));

        held[0].Put();

        Assert.True(fresh.TryAllocate(out NetIov? reused));
        Assert.Same(held[0], reused);
        Assert.Same(fresh, reused.PagePool);
        reused.Put();
        held[1].Put();
        Assert.True(old.IsReleased);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Binding_UnboundWhileAPoolCachesItsChunks_IsReleasedWhenThePoolIsDestroyed()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        var pool = new PagePool(binding);
        PutAll(AllocateMany(pool, 2));

        binding.Dispose();
        Assert.False(binding.IsReleased);
        pool.Dispose();

        Assert.True(binding.IsReleased);
        Assert.Equal(0, leaks.TrackedCount);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void PagePool_Accounting_FollowsChunksOutAndBackToZero()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(8 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding, ringSize: 4);
        NetIov[] out6 = AllocateMany(pool, 6);
        out6[0].GetForUser();

        Assert.Equal(6, pool.Allocated);
        Assert.Equal(6, pool.InFlight);
        Assert.Equal(6L * Page.Size, pool.InFlightBytes);
        Assert.Equal(0, pool.Cached);
        Assert.Equal(6, pool.ChunksHeld);
        Assert.Equal(6, binding.ChunksInPagePools);
        Assert.Equal(1, binding.HeldByUsers);

        PutAll(out6);
        out6[0].PutForUser();

        Assert.Equal(0, pool.InFlight);
        Assert.Equal(0, pool.InFlightBytes);
        Assert.Equal(6, pool.Recycled);
        Assert.Equal(4, pool.Cached);
        Assert.Equal(2, pool.ReleasedToProvider);
        Assert.Equal(4, pool.ChunksHeld);
        Assert.Equal(0, pool.AllocFailures);
        Assert.Equal(4, binding.ChunksInPagePools);
        Assert.Equal(0, binding.HeldByUsers);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void PagePool_Ids_AreUniqueAndFoundByTryGet()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var pages = new HostPages(1);
        using var first = new PagePool(pages);
        using var second = new PagePool(pages);

        Assert.True(first.Id >= 1);
        Assert.NotEqual(first.Id, second.Id);
        Assert.True(PagePool.TryGet(second.Id, out PagePool? found));
        Assert.Same(second, found);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void PagePool_OverHostPages_HandsOutReadableChunks()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var pages = new HostPages(2, "rx-host");
        using var pool = new PagePool(pages);

        Assert.True(pool.TryAllocate(out NetIov? netIov));
        netIov.Span[..5].Fill(7);

        Assert.False(netIov.IsDeviceMemory);
        Assert.Null(netIov.Binding);
        Assert.Equal(5, pages.DmaBuf.GetSpan(netIov.DmaBufOffset, Page.Size).Count((byte)7));
        netIov.Put();
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void HostPages_OwnTheirMemory_AndFreeItWhenReleased()
    {
        using var leaks = MemoryLeakScope.Begin();
        var pages = new HostPages(2);
        var pool = new PagePool(pages);
        pool.TryAllocate(out NetIov? netIov);
        pool.Dispose();
        pages.Dispose();
        Assert.False(pages.DmaBuf.IsFreed);

        netIov!.Put();

        Assert.True(pages.IsReleased);
        Assert.True(pages.DmaBuf.IsFreed);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void HostPages_NoPages_IsRefused()
    {
        using var leaks = MemoryLeakScope.Begin();

        Assert.Throws<ArgumentOutOfRangeException>(() => new HostPages(0));
        leaks.AssertNoLeaks();
    }

    internal static NetIov[] AllocateMany(PagePool pool, int count)
    {
        var netIovs = new NetIov[count];
        for (int i = 0; i < count; i++)
        {
            Assert.True(pool.TryAllocate(out netIovs[i]!), $"allocation {i} of {count} failed");
        }

        return netIovs;
    }

    internal static void PutAll(ReadOnlySpan<NetIov> netIovs)
    {
        foreach (NetIov netIov in netIovs)
        {
            netIov.Put();
        }
    }
}
