using Devmem.Memory;

namespace Devmem.Tests.Memory;

/// <summary>The pp_ref_count rules of DEVMEM.md section 2.</summary>
public sealed class NetIovReferenceTests
{
    [Fact]
    public void Allocate_HandsOutTheChunkWithTheCallersReferenceAboveThePoolHold()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);

        Assert.True(pool.TryAllocate(out NetIov? netIov));

        Assert.Equal(NetIov.PoolHold + 1, netIov.ReferenceCount);
        Assert.Same(pool, netIov.PagePool);
        Assert.Same(binding, netIov.Owner);
        netIov.Put();
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Put_OfTheLastReference_ReturnsTheChunkToItsPagePool()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);
        pool.TryAllocate(out NetIov? netIov);

        netIov!.Put();

        Assert.Equal(NetIov.PoolHold, netIov.ReferenceCount);
        Assert.Equal(0, pool.InFlight);
        Assert.Equal(1, pool.Cached);
        Assert.Same(pool, netIov.PagePool);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void FragAndUserReferences_KeepTheChunkOutUntilTheLastOneDrops()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);
        pool.TryAllocate(out NetIov? netIov);

        // The NIC's reference becomes the first frag's; a cloned skb adds one; recvmsg hands a token.
        netIov!.Get();
        netIov.GetForUser();
        Assert.Equal(NetIov.PoolHold + 3, netIov.ReferenceCount);
        Assert.Equal(1, netIov.UserReferenceCount);
        Assert.Equal(1, binding.HeldByUsers);

        netIov.Put();
        netIov.Put();
        Assert.Equal(1, pool.InFlight);

        netIov.PutForUser();
        Assert.Equal(0, pool.InFlight);
        Assert.Equal(0, binding.HeldByUsers);
        Assert.Equal(NetIov.PoolHold, netIov.ReferenceCount);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Put_BelowThePoolHold_ThrowsAndChangesNothing()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);
        pool.TryAllocate(out NetIov? netIov);
        netIov!.Put();

        var error = Assert.Throws<InvalidOperationException>(netIov.Put);

        Assert.Contains("put without a matching get", error.Message, StringComparison.Ordinal);
        Assert.Equal(NetIov.PoolHold, netIov.ReferenceCount);
        Assert.Equal(1, pool.Cached);
        Assert.Equal(0, pool.InFlight);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Get_WithoutAReferenceHeld_Throws()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);
        pool.TryAllocate(out NetIov? cached);
        cached!.Put();
        NetIov free = binding.NetIovAt(3 * Page.Size);

        Assert.Throws<InvalidOperationException>(cached.Get);
        Assert.Throws<InvalidOperationException>(cached.GetForUser);
        var error = Assert.Throws<InvalidOperationException>(free.Get);

        Assert.Contains("Free", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, free.ReferenceCount);
        Assert.Equal(0, binding.HeldByUsers);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void PutForUser_WithoutAUserReference_ThrowsAndChangesNothing()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);
        pool.TryAllocate(out NetIov? netIov);

        Assert.Throws<InvalidOperationException>(netIov!.PutForUser);

        Assert.Equal(NetIov.PoolHold + 1, netIov.ReferenceCount);
        Assert.Equal(0, binding.HeldByUsers);
        netIov.Put();
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void RecycledChunk_IsTheNextOneHandedOut()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);
        pool.TryAllocate(out NetIov? first);
        first!.Put();

        pool.TryAllocate(out NetIov? again);

        Assert.Same(first, again);
        Assert.Equal(1, binding.ChunksInPagePools);
        again!.Put();
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Put_OfAReferenceAUserTokenHolds_ThrowsAndChangesNothing()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        using var pool = new PagePool(binding);
        pool.TryAllocate(out NetIov? netIov);
        netIov!.GetForUser();
        netIov.Put();

        // Only the token's reference is left: a plain put (say, a skb freed twice) must not take it.
        var error = Assert.Throws<InvalidOperationException>(netIov.Put);

        Assert.Contains("1 user token reference(s)", error.Message, StringComparison.Ordinal);
        Assert.Equal(NetIov.PoolHold + 1, netIov.ReferenceCount);
        netIov.PutForUser();
        Assert.Equal(0, pool.InFlight);
        leaks.AssertNoLeaks();
    }
}
