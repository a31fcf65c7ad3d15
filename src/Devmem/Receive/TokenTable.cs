using System.Diagnostics.CodeAnalysis;
using Devmem.Uapi;

namespace Devmem.Receive;

/// <summary>
/// A socket's table of tokens handed to the user (upstream <c>sk->sk_user_frags</c>, an xarray with
/// <c>XA_FLAGS_ALLOC1</c> and <c>xa_limit_31b</c>): ids from 1 to 2^31-1, each naming one reference the
/// user holds. O(1) reserve, commit and erase; freed ids are reused (last freed first), so the table stays
/// dense. Storage grows by doubling and is never given back while the socket lives: no allocation per token
/// in steady state.
/// </summary>
/// <remarks>
/// recvmsg reserves ids in a batch before it knows how many frags it will hand out (upstream
/// <c>tcp_xa_pool_refill</c>), commits the ones it used and rolls back the rest (<c>tcp_xa_pool_commit</c>).
/// A reserved id is invisible to <see cref="TryErase"/>, so a user guessing ids cannot release a reference
/// that was never taken. All operations take one lock: SO_DEVMEM_DONTNEED runs concurrently with recvmsg.
/// </remarks>
public sealed class TokenTable<T>
{
    private const int InitialCapacity = 64;

    private readonly Lock _lock = new();
    private readonly uint _maxId;

    // Slot i holds token id i; slot 0 is never used (ids start at 1).
    private T[] _values = new T[InitialCapacity];
    private TokenSlot[] _slots = new TokenSlot[InitialCapacity];

    // Ids given back, reused last-in first-out; ids above _highWater were never issued.
    private uint[] _free = new uint[InitialCapacity];
    private int _freeCount;
    private uint _highWater;
    private int _held;
    private int _reservedCount;

    /// <param name="maxId">The largest id to issue: 2^31-1 as upstream; smaller only to test exhaustion.</param>
    public TokenTable(uint maxId = DevmemUapi.MaxTokenId)
    {
        ArgumentOutOfRangeException.ThrowIfZero(maxId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxId, DevmemUapi.MaxTokenId);
        // Slots are array elements: the id space cannot outgrow the largest array.
        _maxId = Math.Min(maxId, (uint)Array.MaxLength - 1);
    }

    /// <summary>Tokens committed and not yet returned.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    /// <summary>Ids reserved by a receive in progress.</summary>
    public int ReservedCount
    {
        get
        {
            lock (_lock)
            {
                return _reservedCount;
            }
        }
    }

    /// <summary>
    /// Reserves up to <paramref name="ids"/>.Length ids. Returns how many were reserved; fewer than asked
    /// only when the id space is exhausted (upstream xa_alloc then fails with EBUSY).
    /// </summary>
    public int Reserve(Span<uint> ids)
    {
        lock (_lock)
        {
            int n = 0;
            while (n < ids.Length)
            {
                uint id;
                if (_freeCount > 0)
                {
                    id = _free[--_freeCount];
                }
                else if (_highWater < _maxId)
                {
                    id = ++_highWater;
                    EnsureSlot(id);
                }
                else
                {
                    break;
                }

                _slots[id] = TokenSlot.Reserved;
                ids[n++] = id;
            }

            _reservedCount += n;
            return n;
        }
    }

    /// <summary>Makes reserved ids visible to the user, each naming its value.</summary>
    public void Commit(ReadOnlySpan<uint> ids, ReadOnlySpan<T> values)
    {
        if (ids.Length != values.Length)
        {
            throw new ArgumentException("one value per id", nameof(values));
        }

        lock (_lock)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                uint id = ids[i];
                if (id == 0 || id > _highWater || _slots[id] != TokenSlot.Reserved)
                {
                    throw new InvalidOperationException($"token {id} was not reserved");
                }

                _slots[id] = TokenSlot.Held;
                _values[id] = values[i];
            }

            _reservedCount -= ids.Length;
            _held += ids.Length;
        }
    }

    /// <summary>Gives reserved but unused ids back (upstream: the tail of <c>tcp_xa_pool_commit</c>).</summary>
    public void Rollback(ReadOnlySpan<uint> ids)
    {
        lock (_lock)
        {
            foreach (uint id in ids)
            {
                if (id == 0 || id > _highWater || _slots[id] != TokenSlot.Reserved)
                {
                    throw new InvalidOperationException($"token {id} was not reserved");
                }

                _slots[id] = TokenSlot.Free;
                PushFree(id);
            }

            _reservedCount -= ids.Length;
        }
    }

    /// <summary>
    /// Removes a committed id and returns its value; false for 0, unknown, reserved or already returned ids
    /// (SO_DEVMEM_DONTNEED skips them silently).
    /// </summary>
    public bool TryErase(uint id, [MaybeNullWhen(false)] out T value)
    {
        lock (_lock)
        {
            return TryEraseLocked(id, out value);
        }
    }

    /// <summary>
    /// Erases the ids of <paramref name="ranges"/> in order, calling <paramref name="release"/> for each
    /// value removed. Returns the count removed. Like upstream <c>sock_devmem_dontneed</c>, every id visited
    /// counts against <paramref name="maxVisited"/> whether or not it was held (MAX_DONTNEED_FRAGS), so one
    /// call does bounded work however large its ranges; ids are u32 and wrap as in C.
    /// One lock acquisition for the whole call, like upstream's <c>xa_lock_bh</c> around the loop.
    /// </summary>
    public int EraseRanges<TState>(ReadOnlySpan<DmabufToken> ranges, int maxVisited, Action<T, TState> release, TState state)
    {
        ArgumentNullException.ThrowIfNull(release);
        int visited = 0;
        int erased = 0;
        lock (_lock)
        {
            foreach (DmabufToken range in ranges)
            {
                for (uint j = 0; j < range.TokenCount; j++)
                {
                    if (++visited > maxVisited)
                    {
                        return erased;
                    }

                    uint id = unchecked(range.TokenStart + j);
                    if (TryEraseLocked(id, out T? value))
                    {
                        release(value, state);
                        erased++;
                    }
                }
            }
        }

        return erased;
    }

    /// <summary>Removes every committed id, handing each value to <paramref name="release"/> (socket destruction).</summary>
    public int Drain<TState>(Action<T, TState> release, TState state)
    {
        ArgumentNullException.ThrowIfNull(release);
        int drained = 0;
        lock (_lock)
        {
            for (uint id = 1; id <= _highWater; id++)
            {
                if (TryEraseLocked(id, out T? value))
                {
                    release(value, state);
                    drained++;
                }
            }
        }

        return drained;
    }

    private bool TryEraseLocked(uint id, [MaybeNullWhen(false)] out T value)
    {
        if (id == 0 || id > _highWater || _slots[id] != TokenSlot.Held)
        {
            value = default;
            return false;
        }

        value = _values[id];
        _values[id] = default!;
        _slots[id] = TokenSlot.Free;
        _held--;
        PushFree(id);
        return true;
    }

    private void PushFree(uint id)
    {
        if (_freeCount == _free.Length)
        {
            Array.Resize(ref _free, _free.Length * 2);
        }

        _free[_freeCount++] = id;
    }

    private void EnsureSlot(uint id)
    {
        if (id < (uint)_values.Length)
        {
            return;
        }

        int capacity = (int)Math.Min((ulong)_values.Length * 2, (ulong)_maxId + 1);
        Array.Resize(ref _values, capacity);
        Array.Resize(ref _slots, capacity);
    }

    private enum TokenSlot : byte
    {
        Free,
        Reserved,
        Held,
    }
}
