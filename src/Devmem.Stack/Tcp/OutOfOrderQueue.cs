using Devmem.Skb;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// Segments received beyond RCV.NXT, kept as the skbs the NIC built (Linux's <c>out_of_order_queue</c>):
/// sorted by sequence number and never overlapping, so that draining them at RCV.NXT hands each byte to
/// the receive queue exactly once. No payload is read or copied: overlaps are cut off with
/// <see cref="SkBuff.TrimFront"/>/<see cref="SkBuff.TrimBack"/>, which drop the references of the frags they
/// remove.
/// </summary>
/// <remarks>
/// A sorted array, not a tree: a window holds at most <see cref="Capacity"/> skbs, most arrivals land at
/// the end (data behind one loss), and a binary search plus a short move of references beats a tree's
/// allocations. Capacity is fixed at construction: the per-segment path allocates nothing.
/// </remarks>
public sealed class OutOfOrderQueue
{
    private readonly SkBuff?[] _skbs;

    /// <param name="capacity">Most skbs held at once.</param>
    public OutOfOrderQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _skbs = new SkBuff?[capacity];
    }

    /// <summary>Most skbs held at once.</summary>
    public int Capacity => _skbs.Length;

    /// <summary>skbs held.</summary>
    public int Count { get; private set; }

    /// <summary>Payload bytes held.</summary>
    public int Bytes { get; private set; }

    /// <summary>Sequence number just past the highest byte held, when not empty.</summary>
    public SeqNumber HighestEnd => new(_skbs[Count - 1]!.EndSeq);

    /// <summary>
    /// Takes an skb that starts beyond RCV.NXT and ends inside the window. Bytes already held win: the new
    /// skb's front is cut where its predecessor ends and its back where its successor starts, and skbs it
    /// covers entirely are replaced by it. Returns <see cref="TcpDropReason.None"/> when it was queued;
    /// otherwise the skb was freed and the reason says why (all of it already held, or the caps:
    /// <see cref="Capacity"/> skbs, <paramref name="byteLimit"/> bytes).
    /// </summary>
    public TcpDropReason Insert(SkBuff skb, int byteLimit)
    {
        ArgumentNullException.ThrowIfNull(skb);
        var seq = new SeqNumber(skb.Seq);
        var end = new SeqNumber(skb.EndSeq);

        // The first skb starting after seq; the one before it (if any) is the only one that can cover seq.
        int at = UpperBound(seq);
        if (at > 0)
        {
            var previousEnd = new SeqNumber(_skbs[at - 1]!.EndSeq);
            if (previousEnd >= end)
            {
                skb.Free();
                return TcpDropReason.OutOfOrderDuplicate;
            }

            seq = SeqNumber.Max(seq, previousEnd);
        }

        // Skbs wholly inside [seq, end) are replaced; the first one reaching past end cuts the new skb's back.
        int covered = at;
        int coveredBytes = 0;
        while (covered < Count && new SeqNumber(_skbs[covered]!.EndSeq) <= end)
        {
            coveredBytes += _skbs[covered]!.Length;
            covered++;
        }

        if (covered < Count && new SeqNumber(_skbs[covered]!.Seq) < end)
        {
            end = new SeqNumber(_skbs[covered]!.Seq);
        }

        int length = end - seq;
        if (length <= 0)
        {
            skb.Free();
            return TcpDropReason.OutOfOrderDuplicate;
        }

        if (Bytes - coveredBytes + length > byteLimit || Count - (covered - at) + 1 > _skbs.Length)
        {
            skb.Free();
            return TcpDropReason.OutOfOrderQueueFull;
        }

        skb.TrimFront(seq - new SeqNumber(skb.Seq));
        skb.TrimBack(length);
        for (int i = at; i < covered; i++)
        {
            _skbs[i]!.Free();
        }

        int removed = covered - at;
        if (removed != 1)
        {
            // Close the gap of the replaced skbs, or open one slot for the new skb.
            Array.Copy(_skbs, covered, _skbs, at + 1, Count - covered);
        }

        _skbs[at] = skb;
        Count += 1 - removed;
        if (removed > 1)
        {
            Array.Clear(_skbs, Count, removed - 1);
        }

        Bytes += length - coveredBytes;
        return TcpDropReason.None;
    }

    /// <summary>
    /// The first skb if it starts at or before <paramref name="rcvNxt"/>, cut to start exactly there and
    /// removed from the queue; skbs wholly below <paramref name="rcvNxt"/> are freed on the way. Null when
    /// the queue is empty or its first skb lies beyond a gap.
    /// </summary>
    public SkBuff? TakeNext(SeqNumber rcvNxt)
    {
        while (Count > 0)
        {
            SkBuff head = _skbs[0]!;
            if (new SeqNumber(head.Seq) > rcvNxt)
            {
                return null;
            }

            Array.Copy(_skbs, 1, _skbs, 0, Count - 1);
            _skbs[--Count] = null;
            Bytes -= head.Length;
            if (new SeqNumber(head.EndSeq) <= rcvNxt)
            {
                head.Free();
                continue;
            }

            head.TrimFront(rcvNxt - new SeqNumber(head.Seq));
            return head;
        }

        return null;
    }

    /// <summary>
    /// The contiguous run of queued data containing <paramref name="seq"/>, as a SACK block (RFC 2018 §3:
    /// left edge, and the number just past the run); null when no queued skb holds it.
    /// </summary>
    public TcpSackBlock? BlockContaining(SeqNumber seq)
    {
        int at = UpperBound(seq) - 1;
        if (at < 0 || new SeqNumber(_skbs[at]!.EndSeq) <= seq)
        {
            return null;
        }

        int first = at;
        while (first > 0 && _skbs[first - 1]!.EndSeq == _skbs[first]!.Seq)
        {
            first--;
        }

        int last = at;
        while (last + 1 < Count && _skbs[last]!.EndSeq == _skbs[last + 1]!.Seq)
        {
            last++;
        }

        return new TcpSackBlock(_skbs[first]!.Seq, _skbs[last]!.EndSeq);
    }

    /// <summary>Frees every skb held (connection teardown).</summary>
    public void Purge()
    {
        for (int i = 0; i < Count; i++)
        {
            _skbs[i]!.Free();
            _skbs[i] = null;
        }

        Count = 0;
        Bytes = 0;
    }

    // Index of the first skb whose Seq is after seq (Count when none).
    private int UpperBound(SeqNumber seq)
    {
        int low = 0;
        int high = Count;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (new SeqNumber(_skbs[mid]!.Seq) <= seq)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
