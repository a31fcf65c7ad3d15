using Devmem.Memory;

namespace Devmem.Skb;

/// <summary>
/// A received TCP segment's data, as Linux's <c>struct sk_buff</c> holds it once TCP has pulled the headers:
/// a linear part in host memory (payload the header split left behind: skb_headlen), up to
/// <see cref="MaxFrags"/> frags pointing into net_iovs, and an optional <c>frag_list</c> chain of further
/// skbs. <see cref="IsUnreadable"/> is set as soon as a device-memory frag is attached
/// (<c>skb->unreadable</c>): such an skb's payload must never be read by the CPU, copied or merged with a
/// readable one.
/// </summary>
/// <remarks>
/// Instances come from an <see cref="SkbPool"/> and go back to it in <see cref="Free"/>, which drops every
/// frag's net_iov reference and frees the frag_list; building and freeing skbs allocates nothing in steady
/// state. <see cref="Next"/>/<see cref="Prev"/> are the intrusive links of whichever queue holds the skb,
/// and of a frag_list chain.
/// </remarks>
public sealed class SkBuff
{
    /// <summary><c>MAX_SKB_FRAGS</c> with 4 KiB pages.</summary>
    public const int MaxFrags = 17;

    private readonly SkbFrag[] _frags = new SkbFrag[MaxFrags];
    private byte[] _linear;
    private int _linearStart;
    private int _fragBytes;
    private int _fragListBytes;

    internal SkBuff(SkbPool pool, int linearCapacity)
    {
        Pool = pool;
        _linear = new byte[linearCapacity];
    }

    /// <summary>The pool this skb returns to.</summary>
    internal SkbPool Pool { get; }

    /// <summary>Whether the skb is in use (rented and not yet freed): catches double frees.</summary>
    internal bool InUse { get; set; }

    /// <summary>Next skb in the queue or frag_list chain holding this one.</summary>
    public SkBuff? Next { get; internal set; }

    /// <summary>Previous skb in the queue holding this one.</summary>
    public SkBuff? Prev { get; internal set; }

    /// <summary>The <c>frag_list</c>: further skbs whose data follows this skb's frags.</summary>
    public SkBuff? FragList { get; private set; }

    /// <summary>TCP sequence number of the first data byte (TCP_SKB_CB(skb)->seq).</summary>
    public uint Seq { get; set; }

    /// <summary>Sequence number just past the last data byte (TCP_SKB_CB(skb)->end_seq), FIN not counted.</summary>
    public uint EndSeq => unchecked(Seq + (uint)Length);

    /// <summary>
    /// <c>skb_shinfo(skb)->gso_segs</c>: the wire segments the data arrived in, when the NIC aggregated them or the
    /// link delivered one GSO frame; 0 for data that arrived as it is. TCP counts them, as Linux's InSegs does.
    /// </summary>
    public int GsoSegments { get; set; }

    /// <summary><c>skb_headlen</c>: data bytes in the linear (host) part.</summary>
    public int HeadLength { get; private set; }

    /// <summary><c>skb_shinfo(skb)->nr_frags</c>.</summary>
    public int FragCount { get; private set; }

    /// <summary><c>skb->len</c>: linear + frags + frag_list.</summary>
    public int Length => HeadLength + _fragBytes + _fragListBytes;

    /// <summary>Linear + frags, without the frag_list (<c>skb->len - skb->data_len</c> plus frags: where the frag walk ends).</summary>
    public int OwnLength => HeadLength + _fragBytes;

    /// <summary>
    /// <c>skb->unreadable</c>: some frag (of this skb or its frag_list) is device memory. Set when such a frag
    /// is attached, never cleared while the skb lives.
    /// </summary>
    public bool IsUnreadable { get; private set; }

    /// <summary>The linear data bytes (host memory).</summary>
    public ReadOnlySpan<byte> Linear => _linear.AsSpan(_linearStart, HeadLength);

    /// <summary>The frags, in stream order.</summary>
    public ReadOnlySpan<SkbFrag> Frags => _frags.AsSpan(0, FragCount);

    /// <summary>Appends bytes to the linear part (the NIC's header buffer, or a copy path for readable data).</summary>
    public void AppendLinear(ReadOnlySpan<byte> data)
    {
        if (FragCount > 0)
        {
            // The linear part precedes every frag in the stream: appending after a frag would reorder data.
            throw new InvalidOperationException("linear data must be added before any frag");
        }

        if (_linearStart != 0)
        {
            // A front trim left the bytes further in: move them back to the start before growing.
            _linear.AsSpan(_linearStart, HeadLength).CopyTo(_linear);
            _linearStart = 0;
        }

        int needed = HeadLength + data.Length;
        if (needed > _linear.Length)
        {
            Array.Resize(ref _linear, Math.Max(needed, _linear.Length * 2));
        }

        data.CopyTo(_linear.AsSpan(HeadLength));
        HeadLength = needed;
    }

    /// <summary>
    /// Attaches a frag. The skb takes over one reference on <paramref name="netIov"/> the caller already holds
    /// (from the page pool, or taken with <see cref="NetIov.Get"/>). False when all 17 slots are used.
    /// </summary>
    public bool TryAddFrag(NetIov netIov, int offset, int size)
    {
        ArgumentNullException.ThrowIfNull(netIov);
        if ((uint)offset > (uint)Page.Size || (uint)size > (uint)(Page.Size - offset) || size == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"frag [{offset}, {offset + size}) does not fit in a {Page.Size}-byte net_iov");
        }

        if (FragCount == MaxFrags)
        {
            return false;
        }

        _frags[FragCount++] = new SkbFrag(netIov, offset, size);
        _fragBytes += size;
        IsUnreadable |= netIov.IsDeviceMemory;
        return true;
    }

    /// <summary>Appends an skb to this skb's frag_list; this skb now owns it.</summary>
    public void AppendFragList(SkBuff skb)
    {
        ArgumentNullException.ThrowIfNull(skb);
        if (skb.Next is not null || skb.Prev is not null || ReferenceEquals(skb, this))
        {
            throw new InvalidOperationException("the skb is still linked elsewhere");
        }

        if (FragList is null)
        {
            FragList = skb;
        }
        else
        {
            SkBuff tail = FragList;
            while (tail.Next is not null)
            {
                tail = tail.Next;
            }

            tail.Next = skb;
        }

        _fragListBytes += skb.Length;
        IsUnreadable |= skb.IsUnreadable;
    }

    /// <summary>
    /// Moves all of <paramref name="from"/>'s frags to the end of this skb (no reference changes: the
    /// references move with them) if they fit, as <c>skb_try_coalesce</c> does for frag-only skbs.
    /// </summary>
    public bool TryTakeFrags(SkBuff from)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (FragCount + from.FragCount > MaxFrags || FragList is not null || from.FragList is not null || from.HeadLength != 0)
        {
            return false;
        }

        from.Frags.CopyTo(_frags.AsSpan(FragCount));
        FragCount += from.FragCount;
        _fragBytes += from._fragBytes;
        IsUnreadable |= from.IsUnreadable;
        from.ForgetFrags();
        return true;
    }

    /// <summary>
    /// Removes the first <paramref name="count"/> data bytes (Linux <c>pskb_pull</c> as TCP's
    /// <c>tcp_trim_head</c> uses it): linear bytes first, then frags, then frag_list members. A frag or member
    /// removed whole drops its references; a frag cut in part keeps its reference and moves its offset.
    /// <see cref="Seq"/> advances by <paramref name="count"/> so that <see cref="EndSeq"/> stays put.
    /// No payload byte is read or copied.
    /// </summary>
    public void TrimFront(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Length);
        Seq = unchecked(Seq + (uint)count);

        int fromLinear = Math.Min(count, HeadLength);
        _linearStart += fromLinear;
        HeadLength -= fromLinear;
        if (HeadLength == 0)
        {
            _linearStart = 0;
        }

        count -= fromLinear;
        count = TrimFragsFront(count);
        while (count > 0)
        {
            SkBuff member = FragList!;
            int length = member.Length;
            if (length <= count)
            {
                FragList = member.Next;
                member.Next = null;
                member.Free();
                _fragListBytes -= length;
                count -= length;
            }
            else
            {
                member.TrimFront(count);
                _fragListBytes -= count;
                count = 0;
            }
        }
    }

    /// <summary>
    /// Keeps the first <paramref name="length"/> data bytes and drops the rest (Linux <c>pskb_trim</c>):
    /// frags and frag_list members wholly past the cut are released, one cut in part is shortened.
    /// </summary>
    public void TrimBack(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        if (length < HeadLength)
        {
            HeadLength = length;
        }

        int remaining = length - HeadLength;
        int kept = 0;
        _fragBytes = 0;
        for (int i = 0; i < FragCount; i++)
        {
            ref SkbFrag frag = ref _frags[i];
            if (remaining > 0)
            {
                if (frag.Size > remaining)
                {
                    frag = frag with { Size = remaining };
                }

                remaining -= frag.Size;
                _fragBytes += frag.Size;
                kept++;
            }
            else
            {
                frag.NetIov.Put();
                frag = default;
            }
        }

        FragCount = kept;
        SkBuff? previous = null;
        SkBuff? member = FragList;
        _fragListBytes = 0;
        while (member is not null)
        {
            SkBuff? next = member.Next;
            if (remaining > 0)
            {
                if (member.Length > remaining)
                {
                    member.TrimBack(remaining);
                }

                remaining -= member.Length;
                _fragListBytes += member.Length;
                previous = member;
            }
            else
            {
                if (previous is null)
                {
                    FragList = next;
                }
                else
                {
                    previous.Next = next;
                }

                member.Next = null;
                member.Free();
            }

            member = next;
        }
    }

    /// <summary>
    /// Frees the skb: drops each frag's net_iov reference (which returns the net_iov to its page pool when it
    /// was the last), frees the frag_list, and returns the skb to its pool. Must not be linked in a queue.
    /// </summary>
    public void Free()
    {
        if (!InUse)
        {
            throw new InvalidOperationException("skb freed twice");
        }

        if (Prev is not null)
        {
            throw new InvalidOperationException("skb freed while still queued");
        }

        foreach (ref readonly SkbFrag frag in _frags.AsSpan(0, FragCount))
        {
            frag.NetIov.Put();
        }

        ForgetFrags();
        SkBuff? member = FragList;
        while (member is not null)
        {
            SkBuff? next = member.Next;
            member.Next = null;
            member.Free();
            member = next;
        }

        FragList = null;
        _fragListBytes = 0;
        HeadLength = 0;
        _linearStart = 0;
        Seq = 0;
        GsoSegments = 0;
        IsUnreadable = false;
        Next = null;
        Pool.Return(this);
    }

    // Drops `count` bytes from the front of the frags; returns what is left for the frag_list.
    private int TrimFragsFront(int count)
    {
        int whole = 0;
        while (whole < FragCount && count >= _frags[whole].Size)
        {
            count -= _frags[whole].Size;
            _fragBytes -= _frags[whole].Size;
            _frags[whole].NetIov.Put();
            whole++;
        }

        if (whole > 0)
        {
            _frags.AsSpan(whole, FragCount - whole).CopyTo(_frags);
            _frags.AsSpan(FragCount - whole, whole).Clear();
            FragCount -= whole;
        }

        if (count > 0 && FragCount > 0)
        {
            ref SkbFrag first = ref _frags[0];
            first = new SkbFrag(first.NetIov, first.Offset + count, first.Size - count);
            _fragBytes -= count;
            count = 0;
        }

        return count;
    }

    private void ForgetFrags()
    {
        _frags.AsSpan(0, FragCount).Clear();
        FragCount = 0;
        _fragBytes = 0;
    }
}
