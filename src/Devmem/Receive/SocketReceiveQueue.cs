using Devmem.Skb;

namespace Devmem.Receive;

/// <summary>
/// A socket's in-order receive queue (<c>sk->sk_receive_queue</c>): skbs in sequence order, the user's read
/// position <see cref="CopiedSeq"/> (<c>tp->copied_seq</c>), partial consumption of the head skb, and
/// coalescing of a new skb into the tail (<c>tcp_try_coalesce</c>) only when both are of the same kind:
/// a readable skb is never merged with an unreadable one (DEVMEM.md section 9).
/// </summary>
/// <remarks>Not thread-safe: its owner serialises access (the socket lock).</remarks>
public sealed class SocketReceiveQueue
{
    private SkBuff? _head;
    private SkBuff? _tail;

    /// <param name="initialSeq">Sequence number of the first byte the user will read (rcv_nxt at connection set-up).</param>
    public SocketReceiveQueue(uint initialSeq = 0)
    {
        CopiedSeq = initialSeq;
        NextSeq = initialSeq;
    }

    /// <summary>Sequence number of the next byte the user reads.</summary>
    public uint CopiedSeq { get; private set; }

    /// <summary>Sequence number just past the last queued byte: where the next in-order skb must start.</summary>
    public uint NextSeq { get; private set; }

    /// <summary>Queued bytes not yet consumed.</summary>
    public int Bytes => unchecked((int)(NextSeq - CopiedSeq));

    /// <summary>skbs queued (after coalescing).</summary>
    public int Count { get; private set; }

    /// <summary>skbs merged into their predecessor instead of being queued (tcp_try_coalesce successes).</summary>
    public long Coalesced { get; private set; }

    /// <summary>The skb holding <see cref="CopiedSeq"/>, or null when empty.</summary>
    public SkBuff? Head => _head;

    /// <summary>
    /// Queues an in-order skb (its <see cref="SkBuff.Seq"/> must be <see cref="NextSeq"/>); the queue owns it
    /// from now on. An empty skb is freed at once.
    /// </summary>
    public void Enqueue(SkBuff skb)
    {
        ArgumentNullException.ThrowIfNull(skb);
        if (skb.Seq != NextSeq)
        {
            throw new InvalidOperationException($"out-of-order skb: seq {skb.Seq}, expected {NextSeq}");
        }

        if (skb.Length == 0)
        {
            skb.Free();
            return;
        }

        NextSeq = skb.EndSeq;
        if (_tail is not null && _tail.IsUnreadable == skb.IsUnreadable && _tail.TryTakeFrags(skb))
        {
            Coalesced++;
            skb.Free();
            return;
        }

        skb.Prev = _tail;
        skb.Next = null;
        if (_tail is null)
        {
            _head = skb;
        }
        else
        {
            _tail.Next = skb;
        }

        _tail = skb;
        Count++;
    }

    /// <summary>
    /// Moves an empty queue to a new starting sequence number (TCP learns the peer's ISN only when its SYN
    /// arrives, after the socket exists).
    /// </summary>
    public void Restart(uint initialSeq)
    {
        if (_head is not null)
        {
            throw new InvalidOperationException("the initial sequence number can only be set before data is queued");
        }

        CopiedSeq = initialSeq;
        NextSeq = initialSeq;
    }

    /// <summary>Offset of <see cref="CopiedSeq"/> inside <see cref="Head"/>.</summary>
    public int HeadOffset => _head is null ? 0 : unchecked((int)(CopiedSeq - _head.Seq));

    /// <summary>Marks <paramref name="bytes"/> as read and frees every skb fully consumed.</summary>
    public void Consume(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, Bytes);
        CopiedSeq = unchecked(CopiedSeq + (uint)bytes);
        while (_head is not null && unchecked((int)(CopiedSeq - _head.EndSeq)) >= 0)
        {
            FreeHead();
        }
    }

    /// <summary>Frees every queued skb (socket destruction); the read position moves past them.</summary>
    public void Purge()
    {
        while (_head is not null)
        {
            FreeHead();
        }

        CopiedSeq = NextSeq;
    }

    private void FreeHead()
    {
        SkBuff skb = _head!;
        _head = skb.Next;
        if (_head is null)
        {
            _tail = null;
        }
        else
        {
            _head.Prev = null;
        }

        skb.Next = null;
        skb.Prev = null;
        Count--;
        skb.Free();
    }
}
