using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// The sender's record of what the peer SACKed above SND.UNA (RFC 6675 §3, the "scoreboard"): sorted,
/// disjoint, non-adjacent ranges, and the queries loss recovery asks of it (IsLost, the pipe's unSACKed
/// bytes, where the next hole ends). Bounded: a peer cannot make it grow past <see cref="Capacity"/> ranges.
/// </summary>
/// <remarks>
/// Validation follows Linux's <c>tcp_is_sackblock_valid</c>: a block must lie within (SND.UNA, SND.MAX],
/// since nobody can SACK what was never sent; a first block below the cumulative ACK or inside the second
/// one is a D-SACK (RFC 2883 §4), reported and kept off the scoreboard.
/// </remarks>
public sealed class SackScoreboard
{
    /// <summary>Ranges kept by default: more than four blocks' worth of history, little memory.</summary>
    public const int DefaultCapacity = 32;

    private readonly SeqNumber[] _left;
    private readonly SeqNumber[] _right;

    /// <param name="capacity">The most ranges held; blocks that would need more are ignored.</param>
    public SackScoreboard(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _left = new SeqNumber[capacity];
        _right = new SeqNumber[capacity];
    }

    /// <summary>The most ranges held.</summary>
    public int Capacity => _left.Length;

    /// <summary>Ranges held.</summary>
    public int Count { get; private set; }

    /// <summary>Nothing is SACKed.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Bytes SACKed in all.</summary>
    public int SackedBytes { get; private set; }

    /// <summary>One past the highest SACKed byte (meaningful when not empty).</summary>
    public SeqNumber HighestSacked => _right[Count - 1];

    /// <summary>Range <paramref name="index"/>, in sequence order.</summary>
    public (SeqNumber Left, SeqNumber Right) this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return (_left[index], _right[index]);
        }
    }

    /// <summary>
    /// RFC 6675 Update(): records the blocks of one ACK. <paramref name="ack"/> is its cumulative ACK,
    /// <paramref name="sndUna"/> and <paramref name="sndMax"/> bound what can be SACKed.
    /// </summary>
    public SackUpdate Update(ReadOnlySpan<TcpSackBlock> blocks, SeqNumber ack, SeqNumber sndUna, SeqNumber sndMax)
    {
        int newly = 0;
        int rejected = 0;
        bool duplicate = false;
        for (int i = 0; i < blocks.Length; i++)
        {
            var left = new SeqNumber(blocks[i].Left);
            var right = new SeqNumber(blocks[i].Right);
            if (i == 0 && IsDuplicateReport(blocks, ack))
            {
                duplicate = true;
                continue;
            }

            if (right <= left || right > sndMax || left < sndUna - int.MaxValue / 2)
            {
                rejected++;
                continue;
            }

            if (right <= sndUna)
            {
                // Old news: a block the cumulative ACK has passed (a late or reordered ACK).
                continue;
            }

            int added = Insert(SeqNumber.Max(left, sndUna), right);
            if (added < 0)
            {
                rejected++;
                continue;
            }

            newly += added;
        }

        return new SackUpdate(newly, duplicate, rejected);
    }

    /// <summary>SND.UNA moved to <paramref name="sndUna"/>: ranges below it leave, one straddling it is clipped.</summary>
    public void Advance(SeqNumber sndUna)
    {
        int drop = 0;
        while (drop < Count && _right[drop] <= sndUna)
        {
            SackedBytes -= _right[drop] - _left[drop];
            drop++;
        }

        if (drop > 0)
        {
            Array.Copy(_left, drop, _left, 0, Count - drop);
            Array.Copy(_right, drop, _right, 0, Count - drop);
            Count -= drop;
        }

        if (Count > 0 && _left[0] < sndUna)
        {
            SackedBytes -= sndUna - _left[0];
            _left[0] = sndUna;
        }
    }

    /// <summary>
    /// After <see cref="Advance"/>: the cumulative ACK stopped at the start of SACKed data, so the peer threw
    /// away what it SACKed (reneging, RFC 2018 §8; Linux's <c>tcp_check_sack_reneging</c> tests the same).
    /// </summary>
    public bool IsReneged(SeqNumber sndUna) => Count > 0 && _left[0] == sndUna;

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        Count = 0;
        SackedBytes = 0;
    }

    /// <summary>SACKed bytes in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public int SackedBetween(SeqNumber from, SeqNumber to)
    {
        int sum = 0;
        for (int i = 0; i < Count && _left[i] < to; i++)
        {
            SeqNumber left = SeqNumber.Max(_left[i], from);
            SeqNumber right = SeqNumber.Min(_right[i], to);
            if (right > left)
            {
                sum += right - left;
            }
        }

        return sum;
    }

    /// <summary>
    /// RFC 6675 IsLost() for every unSACKed byte at once: an unSACKed byte is lost when DupThresh SACKed
    /// ranges lie above it, or more than (DupThresh − 1)·SMSS SACKed bytes do. Both counts fall as the
    /// byte rises, so the lost bytes are exactly the unSACKed ones below the returned boundary.
    /// </summary>
    /// <returns>The boundary; <paramref name="sndUna"/> when nothing is lost.</returns>
    public SeqNumber LostBoundary(SeqNumber sndUna, int smss, int dupThresh)
    {
        int ranges = 0;
        long bytes = 0;
        for (int i = Count - 1; i >= 0; i--)
        {
            ranges++;
            bytes += _right[i] - _left[i];
            if (ranges >= dupThresh || bytes > (long)(dupThresh - 1) * smss)
            {
                return _left[i];
            }
        }

        return sndUna;
    }

    /// <summary>When <paramref name="seq"/> is SACKed, the end of its range.</summary>
    public bool TryGetSackedRangeEnd(SeqNumber seq, out SeqNumber end)
    {
        for (int i = 0; i < Count && _left[i] <= seq; i++)
        {
            if (seq < _right[i])
            {
                end = _right[i];
                return true;
            }
        }

        end = default;
        return false;
    }

    /// <summary>Where the unSACKed run starting at <paramref name="seq"/> ends: the next range's start, or <paramref name="limit"/>.</summary>
    public SeqNumber NextSackedStart(SeqNumber seq, SeqNumber limit)
    {
        for (int i = 0; i < Count; i++)
        {
            if (_left[i] > seq)
            {
                return SeqNumber.Min(_left[i], limit);
            }
        }

        return limit;
    }

    // RFC 2883 §4: only the first block may be a D-SACK, and it is one when it lies below the cumulative
    // ACK or inside the second block.
    private static bool IsDuplicateReport(ReadOnlySpan<TcpSackBlock> blocks, SeqNumber ack)
    {
        var left = new SeqNumber(blocks[0].Left);
        var right = new SeqNumber(blocks[0].Right);
        if (right <= left)
        {
            return false;
        }

        if (right <= ack)
        {
            return true;
        }

        return blocks.Length > 1 && left >= new SeqNumber(blocks[1].Left) && right <= new SeqNumber(blocks[1].Right);
    }

    // Merges [left, right) in; returns the bytes newly covered, or -1 when it needs a range there is no room for.
    private int Insert(SeqNumber left, SeqNumber right)
    {
        // First range that ends at or after `left` (touching counts: adjacent ranges merge).
        int first = 0;
        while (first < Count && _right[first] < left)
        {
            first++;
        }

        // Ranges [first, last) overlap or touch the block.
        int last = first;
        while (last < Count && _left[last] <= right)
        {
            last++;
        }

        int merged = last - first;
        if (merged == 0)
        {
            if (Count == Capacity)
            {
                return -1;
            }

            Array.Copy(_left, first, _left, first + 1, Count - first);
            Array.Copy(_right, first, _right, first + 1, Count - first);
            _left[first] = left;
            _right[first] = right;
            Count++;
            SackedBytes += right - left;
            return right - left;
        }

        SeqNumber newLeft = SeqNumber.Min(_left[first], left);
        SeqNumber newRight = SeqNumber.Max(_right[last - 1], right);
        int before = 0;
        for (int i = first; i < last; i++)
        {
            before += _right[i] - _left[i];
        }

        _left[first] = newLeft;
        _right[first] = newRight;
        if (merged > 1)
        {
            Array.Copy(_left, last, _left, first + 1, Count - last);
            Array.Copy(_right, last, _right, first + 1, Count - last);
            Count -= merged - 1;
        }

        // The union is one contiguous range, so what it gained is exactly what the block newly covers.
        int gained = (newRight - newLeft) - before;
        SackedBytes += gained;
        return gained;
    }
}
