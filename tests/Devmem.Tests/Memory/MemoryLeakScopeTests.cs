using Devmem.Memory;

namespace Devmem.Tests.Memory;

public sealed class MemoryLeakScopeTests
{
    [Fact]
    public void LeakCheck_ChunkInFlight_ThrowsNamingTheBindingPoolAndChunk()
    {
        using var leaks = MemoryLeakScope.Begin("leaky test");
        using var dmaBuf = new HostDmaBuf(4 * Page.Size, "payload");
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding, name: "eth0 rxq 3");
        NetIov[] out2 = PagePoolTests.AllocateMany(pool, 2);
        out2[0].Put();
        out2[1].Get();

        var error = Assert.Throws<MemoryLeakException>(leaks.AssertNoLeaks);

        Assert.Contains("leaky test", error.Message, StringComparison.Ordinal);
        Assert.Contains($"binding {binding.Id} (rx, dma-buf 'payload')", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 of 4 chunk(s) not back", error.Message, StringComparison.Ordinal);
        Assert.Contains("net_iov 1 at dma-buf offset 4096: in flight from page pool", error.Message, StringComparison.Ordinal);
        Assert.Contains("'eth0 rxq 3'", error.Message, StringComparison.Ordinal);
        Assert.Contains("pp_ref_count 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 chunk(s) in flight (4096 bytes) never recycled", error.Message, StringComparison.Ordinal);

        out2[1].Put();
        out2[1].Put();
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void LeakCheck_TokenNeverReturned_ReportsTheUserReference()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var pages = new HostPages(2);
        using var pool = new PagePool(pages);
        pool.TryAllocate(out NetIov? netIov);
        netIov!.GetForUser();
        netIov.Put();

        var error = Assert.Throws<MemoryLeakException>(leaks.AssertNoLeaks);

        Assert.Contains("host pages", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 user reference(s) held", error.Message, StringComparison.Ordinal);
        Assert.Contains("user references 1", error.Message, StringComparison.Ordinal);

        netIov.PutForUser();
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void LeakCheck_ChunkTakenFromTheProviderByNoPagePool_IsALeak()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        binding.TryAllocate(out NetIov? netIov);

        var error = Assert.Throws<MemoryLeakException>(leaks.AssertNoLeaks);

        Assert.Contains("taken from the free pool by no page pool", error.Message, StringComparison.Ordinal);
        binding.Release(netIov!);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void LeakCheck_ChunksCachedInALivePool_AreNotLeaks()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);

        PagePoolTests.PutAll(PagePoolTests.AllocateMany(pool, 4));

        Assert.Equal(2, leaks.TrackedCount);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void LeakCheck_ReleasedObjects_AreForgotten()
    {
        using var leaks = MemoryLeakScope.Begin();
        var dmaBuf = new HostDmaBuf(Page.Size);
        var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        var pool = new PagePool(binding);
        Assert.Equal(2, leaks.TrackedCount);

        pool.Dispose();
        binding.Dispose();
        dmaBuf.Dispose();

        Assert.Equal(0, leaks.TrackedCount);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task LeakCheck_AnotherFlowsScope_IsInvisibleToThisOne()
    {
        using var leaks = MemoryLeakScope.Begin("mine");
        using var stop = new ManualResetEventSlim();
        using var leaked = new ManualResetEventSlim();
        Task other;

        // Suppressing the flow makes the task start outside this scope, like a test running in parallel.
        using (ExecutionContext.SuppressFlow())
        {
            other = Task.Run(() =>
            {
                using var theirs = MemoryLeakScope.Begin("theirs");
                using var pages = new HostPages(1);
                using var pool = new PagePool(pages);
                pool.TryAllocate(out NetIov? netIov);
                leaked.Set();
                stop.Wait();
                netIov!.Put();
                theirs.AssertNoLeaks();
            }, TestContext.Current.CancellationToken);
        }

        leaked.Wait(TestContext.Current.CancellationToken);
        Assert.Equal(0, leaks.TrackedCount);
        leaks.AssertNoLeaks();
        stop.Set();
        await other;
    }

    [Fact]
    public async Task LeakCheck_ThreadsAndTasksStartedInTheScope_AreTracked()
    {
        using var leaks = MemoryLeakScope.Begin();
        HostPages fromTask = await Task.Run(() => new HostPages(1));
        HostPages? fromThread = null;
        var thread = new Thread(() => fromThread = new HostPages(1));
        thread.Start();
        thread.Join();

        Assert.Equal(2, leaks.TrackedCount);
        fromTask.Dispose();
        fromThread!.Dispose();
        Assert.Equal(0, leaks.TrackedCount);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void LeakCheck_NestedScope_AlsoReportsToTheOuterOne()
    {
        using var outer = MemoryLeakScope.Begin("outer");
        NetIov netIov;
        using (var inner = MemoryLeakScope.Begin("inner"))
        {
            var pages = new HostPages(1);
            var pool = new PagePool(pages);
            pool.TryAllocate(out netIov!);
            pool.Dispose();
            pages.Dispose();
            Assert.Throws<MemoryLeakException>(inner.AssertNoLeaks);
        }

        using var afterInner = new HostPages(1);
        Assert.Equal(3, outer.TrackedCount);
        var error = Assert.Throws<MemoryLeakException>(outer.AssertNoLeaks);
        Assert.Contains("outer", error.Message, StringComparison.Ordinal);

        netIov.Put();
        Assert.Equal(1, outer.TrackedCount);
        outer.AssertNoLeaks();
    }

    [Fact]
    public void LeakCheck_ObjectsCreatedOutsideEveryScope_AreNotTracked()
    {
        HostPages? untracked = null;
        var thread = new Thread(() => untracked = new HostPages(1));
        thread.UnsafeStart();
        thread.Join();

        using var leaks = MemoryLeakScope.Begin();
        using var pool = new PagePool(untracked!);
        pool.TryAllocate(out NetIov? netIov);

        Assert.Equal(1, leaks.TrackedCount);
        netIov!.Put();
        leaks.AssertNoLeaks();
        pool.Dispose();
        untracked!.Dispose();
        Assert.True(untracked.IsReleased);
    }
}
