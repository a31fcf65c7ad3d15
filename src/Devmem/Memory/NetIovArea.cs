using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Devmem.Memory;

/// <summary>
/// A dma-buf carved into <see cref="Page.Size"/> chunks, one <see cref="NetIov"/> each, with the free pool
/// they are allocated from (Linux: <c>struct net_iov_area</c> inside a <c>dmabuf_genpool_chunk_owner</c>,
/// and the binding's <c>chunk_pool</c> genpool).
/// </summary>
/// <remarks>
/// <para>
/// The free pool is a preallocated stack of chunk indexes under a lock: O(1) allocate and free, nothing
/// allocated per operation, and the chunk freed last is the first reused, which keeps the working set warm.
/// </para>
/// <para>
/// Lifetime, as DEVMEM.md section 2 requires of a binding: <see cref="Dispose()"/> closes the area, so
/// allocation fails from then on, but chunks in flight stay valid until they come back; the area is
/// released (<see cref="IsReleased"/>) when the last one does, or at once if none is out.
/// </para>
/// </remarks>
public abstract class NetIovArea : IDisposable, ILeakTracked
{
    private const int MaxChunksListedInLeakReport = 32;

    private readonly NetIov[] _netIovs;
    private readonly int[] _freeStack;
    private readonly Lock _lock = new();
    private MemoryLeakScope? _leakScope;
    private int _freeCount;
    private int _heldByUsers;
    private bool _closed;
    private int _released;

    private protected NetIovArea(DmaBuf dmaBuf, bool isDeviceMemory)
    {
        DmaBuf = dmaBuf;
        IsDeviceMemory = isDeviceMemory;
        int chunks = ChunkCount(dmaBuf);
        _netIovs = new NetIov[chunks];
        _freeStack = new int[chunks];
        for (int index = 0; index < chunks; index++)
        {
            _netIovs[index] = new NetIov(this, index);

            // Lowest index on top, so a fresh area hands out chunks in address order.
            _freeStack[index] = chunks - 1 - index;
        }

        _freeCount = chunks;
    }

    /// <summary>The memory the chunks are carved from.</summary>
    public DmaBuf DmaBuf { get; }

    /// <summary>Whether the chunks are device memory (unreadable to TCP) or host pages.</summary>
    public bool IsDeviceMemory { get; }

    /// <summary>Chunks in the area.</summary>
    public int TotalChunks => _netIovs.Length;

    /// <summary>Chunks in the free pool.</summary>
    public int FreeChunks => Volatile.Read(ref _freeCount);

    /// <summary>Chunks taken by page pools: cached there or in flight.</summary>
    public int ChunksInPagePools => TotalChunks - FreeChunks;

    /// <summary>User token references held on the area's chunks.</summary>
    public int HeldByUsers => Volatile.Read(ref _heldByUsers);

    /// <summary>Whether the area is closed and every chunk came back, so it has let go of its memory.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    private protected bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>The chunk holding byte <paramref name="dmaBufOffset"/> (Linux <c>net_devmem_get_niov_at()</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset is outside the chunks.</exception>
    public NetIov NetIovAt(long dmaBufOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dmaBufOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dmaBufOffset, (long)TotalChunks << Page.Shift);
        return _netIovs[dmaBufOffset >> Page.Shift];
    }

    /// <summary>
    /// Closes the area: no allocation succeeds from now on; it is released when the last chunk returns.
    /// </summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    void ILeakTracked.DescribeLeaks(StringBuilder report)
    {
        int free = 0;
        int userReferences = 0;
        int leaked = 0;
        var listed = new StringBuilder();
        foreach (NetIov netIov in _netIovs)
        {
            NetIovState state = netIov.State;
            PagePool? pool = netIov.PagePool;
            userReferences += netIov.UserReferenceCount;
            if (state == NetIovState.Free)
            {
                free++;
            }
            else if (state == NetIovState.InFlight || pool is null)
            {
                if (leaked++ < MaxChunksListedInLeakReport)
                {
                    listed.Append("\n    net_iov ").Append(netIov.Index)
                        .Append(" at dma-buf offset ").Append(netIov.DmaBufOffset)
                        .Append(state == NetIovState.InFlight ? ": in flight from " : ": taken from the free pool by ")
                        .Append(pool?.ToString() ?? "no page pool")
                        .Append(", pp_ref_count ").Append(netIov.ReferenceCount)
                        .Append(", user references ").Append(netIov.UserReferenceCount);
                }
            }
        }

        if (leaked > MaxChunksListedInLeakReport)
        {
            listed.Append("\n    ... and ").Append(leaked - MaxChunksListedInLeakReport).Append(" more");
        }

        if (leaked > 0)
        {
            report.Append("  ").Append(this).Append(": ").Append(leaked).Append(" of ").Append(TotalChunks)
                .Append(" chunk(s) not back in the free pool or a page pool cache, ")
                .Append(userReferences).Append(" user reference(s) held:").Append(listed).AppendLine();
        }

        if (free != FreeChunks || userReferences != HeldByUsers)
        {
            report.Append("  ").Append(this).Append(": accounting mismatch: free pool counts ").Append(FreeChunks)
                .Append(" but ").Append(free).Append(" chunk(s) are free; HeldByUsers is ").Append(HeldByUsers)
                .Append(" but chunks carry ").Append(userReferences).Append(" user reference(s)").AppendLine();
        }
    }

    /// <summary>Closes the area once.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        bool releaseNow;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            releaseNow = _freeCount == _netIovs.Length;
        }

        if (releaseNow)
        {
            ReleaseOnce();
        }
    }

    /// <summary>Registers with the current <see cref="MemoryLeakScope"/>; the last step of a derived constructor.</summary>
    private protected void StartLeakTracking() => _leakScope = MemoryLeakScope.Track(this);

    /// <summary>Pops a chunk from the free pool (Linux <c>net_devmem_alloc_dmabuf()</c>).</summary>
    private protected bool TryAllocateChunk([MaybeNullWhen(false)] out NetIov netIov)
    {
        lock (_lock)
        {
            if (_closed || _freeCount == 0)
            {
                netIov = null;
                return false;
            }

            netIov = _netIovs[_freeStack[--_freeCount]];
        }

        netIov.LeaveFreePool();
        return true;
    }

    /// <summary>Pushes a chunk back on the free pool (Linux <c>net_devmem_free_dmabuf()</c>).</summary>
    private protected void FreeChunk(NetIov netIov)
    {
        ArgumentNullException.ThrowIfNull(netIov);
        netIov.EnterFreePool(this);
        bool releaseNow;
        lock (_lock)
        {
            _freeStack[_freeCount++] = netIov.Index;
            releaseNow = _closed && _freeCount == _netIovs.Length;
        }

        if (releaseNow)
        {
            ReleaseOnce();
        }
    }

    /// <summary>Lets go of the memory and any registration; runs once, after close, with every chunk free.</summary>
    private protected abstract void OnReleased();

    internal void AddUserReference() => Interlocked.Increment(ref _heldByUsers);

    internal void RemoveUserReference() => Interlocked.Decrement(ref _heldByUsers);

    /// <summary>The number of chunks a dma-buf gives: whole pages only, as genpool allocates PAGE_SIZE units.</summary>
    private protected static int ChunkCount(DmaBuf dmaBuf)
    {
        ArgumentNullException.ThrowIfNull(dmaBuf);
        long chunks = dmaBuf.Size >> Page.Shift;
        return chunks switch
        {
            0 => throw new ArgumentException($"{dmaBuf} is smaller than one page ({Page.Size} bytes).", nameof(dmaBuf)),
            > int.MaxValue => throw new ArgumentException($"{dmaBuf} has more than {int.MaxValue} pages.", nameof(dmaBuf)),
            _ => (int)chunks,
        };
    }

    private void ReleaseOnce()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            OnReleased();
            MemoryLeakScope.Untrack(this, _leakScope);
        }
    }
}
