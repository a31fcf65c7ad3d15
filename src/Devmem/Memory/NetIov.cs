namespace Devmem.Memory;

/// <summary>
/// One <see cref="Page.Size"/> chunk of an area (Linux: <c>struct net_iov</c>): the unit the page pool
/// hands out, skb frags point into, and user tokens name.
/// </summary>
/// <remarks>
/// <para>
/// Every net_iov is created once with its area and lives as long as it; nothing here allocates.
/// </para>
/// <para>
/// Reference counting mirrors <c>pp_ref_count</c> as DEVMEM.md section 2 states it: the count is
/// <see cref="PoolHold"/> (1) while the page pool owns the chunk; each skb frag reference and each user
/// token adds one (<see cref="Get"/>, <see cref="GetForUser"/>); when the last extra reference drops
/// (<see cref="Put"/>, <see cref="PutForUser"/>) the chunk goes back to its page pool.
/// <see cref="PagePool.TryAllocate"/> hands a chunk out with one reference for the caller, which the NIC
/// passes on to the skb frag it builds (Linux: the driver's reference becomes the frag's), or drops with
/// <see cref="Put"/> if the chunk goes unused. A holder that keeps filling a chunk frame by frame keeps
/// that reference and takes one more per frag.
/// </para>
/// <para>
/// User references are the same references, additionally counted per chunk and per area so that
/// accounting and leak reports can say how much memory applications hold (Linux keeps no separate
/// counter; this one never decides when memory is freed).
/// </para>
/// </remarks>
public sealed class NetIov
{
    /// <summary>The page pool's own reference: <c>pp_ref_count</c> while the pool owns the chunk.</summary>
    public const long PoolHold = 1;

    private long _references;
    private int _userReferences;
    private int _state;
    private PagePool? _pagePool;

    internal NetIov(NetIovArea owner, int index)
    {
        Owner = owner;
        Index = index;

        // Linux net_iov_virtual_addr(): owner->base_virtual + (index << PAGE_SHIFT). One area spans
        // its whole dma-buf, so the owner's base is offset 0.
        DmaBufOffset = (long)index << Page.Shift;
    }

    /// <summary>The area (binding or host pages) this chunk belongs to.</summary>
    public NetIovArea Owner { get; }

    /// <summary>The chunk's index in its area.</summary>
    public int Index { get; }

    /// <summary>The chunk's byte offset in its dma-buf (Linux <c>net_iov_virtual_addr()</c>).</summary>
    public long DmaBufOffset { get; }

    /// <summary>
    /// True for chunks of a dma-buf binding: TCP treats their payload as unreadable (an skb holding one is
    /// <c>unreadable</c>); false for host pages, ordinary readable memory.
    /// </summary>
    public bool IsDeviceMemory => Owner.IsDeviceMemory;

    /// <summary>The binding this chunk belongs to (Linux <c>net_devmem_iov_binding()</c>), or null for host pages.</summary>
    public DmaBufBinding? Binding => Owner as DmaBufBinding;

    /// <summary>The chunk's bytes, where its dma-buf is host-visible.</summary>
    /// <exception cref="InvalidOperationException">The dma-buf is device memory.</exception>
    public Span<byte> Span => Owner.DmaBuf.GetSpan(DmaBufOffset, Page.Size);

    /// <summary>The page pool that owns the chunk (Linux <c>niov-&gt;pp</c>), set when it takes it from the area.</summary>
    public PagePool? PagePool => Volatile.Read(ref _pagePool);

    /// <summary>The current <c>pp_ref_count</c>: 0 in the free pool, <see cref="PoolHold"/> plus one per reference otherwise.</summary>
    public long ReferenceCount => Volatile.Read(ref _references);

    /// <summary>How many of the references are user tokens.</summary>
    public int UserReferenceCount => Volatile.Read(ref _userReferences);

    internal NetIovState State => (NetIovState)Volatile.Read(ref _state);

    /// <summary>
    /// Takes another reference, for an skb frag (Linux <c>page_pool_ref_netmem()</c>); the caller must
    /// already hold one.
    /// </summary>
    /// <exception cref="InvalidOperationException">No reference is held: the chunk is cached or free.</exception>
    public void Get()
    {
        long current = Volatile.Read(ref _references);
        while (true)
        {
            if (current <= PoolHold)
            {
                throw new InvalidOperationException(
                    $"cannot take a reference on {this}: it is {State} with no reference held (pp_ref_count {current}).");
            }

            long seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>
    /// Drops a reference; the one that brings the count back to <see cref="PoolHold"/> returns the chunk to
    /// its page pool (Linux <c>napi_pp_put_page()</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// No reference other than the hold and user tokens' is left to drop; nothing is changed.
    /// </exception>
    public void Put()
    {
        // A compare-exchange loop, not a decrement, so that a put without a matching get is refused
        // before it corrupts the count instead of being detected after. The references user tokens
        // hold are off limits too: a plain put that took one would leave a token naming a recycled chunk.
        long current = Volatile.Read(ref _references);
        while (true)
        {
            if (current <= PoolHold + Volatile.Read(ref _userReferences))
            {
                throw new InvalidOperationException(
                    $"{this}: put without a matching get (pp_ref_count {current}: the page pool's hold of " +
                    $"{PoolHold} and {UserReferenceCount} user token reference(s) are all that is left).");
            }

            long seen = Interlocked.CompareExchange(ref _references, current - 1, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        if (current - 1 == PoolHold)
        {
            // In flight means owned by a page pool; the reference just dropped was the last one on it.
            PagePool!.Recycle(this);
        }
    }

    /// <summary>Takes another reference for a user token handed to the application.</summary>
    /// <exception cref="InvalidOperationException">No reference is held: the chunk is cached or free.</exception>
    public void GetForUser()
    {
        Get();
        Interlocked.Increment(ref _userReferences);
        Owner.AddUserReference();
    }

    /// <summary>Drops a user token's reference (SO_DEVMEM_DONTNEED, or the socket closing).</summary>
    /// <exception cref="InvalidOperationException">No user reference is held; nothing is changed.</exception>
    public void PutForUser()
    {
        int current = Volatile.Read(ref _userReferences);
        while (true)
        {
            if (current <= 0)
            {
                throw new InvalidOperationException($"{this}: user put without a matching user get.");
            }

            int seen = Interlocked.CompareExchange(ref _userReferences, current - 1, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        Owner.RemoveUserReference();

        // Cannot throw: the user reference just given up is still counted above the hold.
        Put();
    }

    /// <inheritdoc/>
    public override string ToString() => $"net_iov {Index} of {Owner}";

    /// <summary>The area hands the chunk out of its free pool.</summary>
    internal void LeaveFreePool() => Transition(NetIovState.Free, NetIovState.Cached, "take from the free pool");

    /// <summary>The area takes the chunk back into its free pool; the page pool has already let go.</summary>
    internal void EnterFreePool(NetIovArea area)
    {
        if (!ReferenceEquals(area, Owner))
        {
            throw new InvalidOperationException($"{this} was released to {area}, which does not own it.");
        }

        if (PagePool is { } pool)
        {
            throw new InvalidOperationException($"{this} was released to its area while {pool} still owns it.");
        }

        Transition(NetIovState.Cached, NetIovState.Free, "release to the free pool");
    }

    /// <summary>A page pool takes ownership (Linux <c>page_pool_set_pp_info()</c>): the hold starts.</summary>
    internal void AttachTo(PagePool pool)
    {
        if (State != NetIovState.Cached || PagePool is not null)
        {
            throw new InvalidOperationException($"{pool} cannot own {this}: it was not just taken from its area.");
        }

        Volatile.Write(ref _references, PoolHold);
        Volatile.Write(ref _pagePool, pool);
    }

    /// <summary>
    /// The page pool gives the chunk up (Linux <c>page_pool_clear_pp_info()</c> in
    /// <c>mp_dmabuf_devmem_release_page()</c>, which also insists that only the hold is left).
    /// </summary>
    internal void DetachFrom(PagePool pool)
    {
        CheckOwnedBy(pool);
        long references = ReferenceCount;
        if (State != NetIovState.Cached || references != PoolHold)
        {
            throw new InvalidOperationException(
                $"{pool} cannot release {this}: it is {State} with pp_ref_count {references}.");
        }

        Volatile.Write(ref _references, 0);
        Volatile.Write(ref _pagePool, null);
    }

    /// <summary>
    /// The page pool hands the chunk out of its cache, with the caller's reference on top of the hold.
    /// Plain stores: cached chunks belong to the pool alone, and a chunk cached twice is caught when it
    /// comes back (<see cref="TakeBack"/>).
    /// </summary>
    internal void HandOut()
    {
        Volatile.Write(ref _references, PoolHold + 1);
        Volatile.Write(ref _state, (int)NetIovState.InFlight);
    }

    /// <summary>
    /// The chunk comes back to its page pool: the put that left only the hold is unique, so a failed
    /// transition here means the pool's own bookkeeping went wrong.
    /// </summary>
    internal void TakeBack() => Transition(NetIovState.InFlight, NetIovState.Cached, "recycle");

    private void CheckOwnedBy(PagePool pool)
    {
        if (!ReferenceEquals(PagePool, pool))
        {
            throw new InvalidOperationException(
                $"{this} belongs to {PagePool?.ToString() ?? "no page pool"}, not to {pool}.");
        }
    }

    private void Transition(NetIovState from, NetIovState to, string action)
    {
        int seen = Interlocked.CompareExchange(ref _state, (int)to, (int)from);
        if (seen != (int)from)
        {
            throw new InvalidOperationException(
                $"cannot {action} {this}: it is {(NetIovState)seen}, expected {from} (returned twice?).");
        }
    }
}
