using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// The SACK blocks a receiver reports (RFC 2018 §4): the first block holds the segment that arrived most
/// recently, the others repeat the blocks reported before it, most recent first, leaving out any that the
/// first now covers. Blocks leave once RCV.NXT passes them. Up to four are kept; the header carries as
/// many as fit beside the other options. A duplicate segment adds a one-shot D-SACK block in front
/// (RFC 2883), so the sender learns its retransmission was not needed.
/// </summary>
public sealed class SackReport
{
    private readonly TcpSackBlock[] _blocks = new TcpSackBlock[TcpOptions.MaxSackBlocks];
    private readonly TcpSackBlock[] _toSend = new TcpSackBlock[TcpOptions.MaxSackBlocks];
    private TcpSackBlock? _duplicate;

    /// <summary>Blocks held.</summary>
    public int Count { get; private set; }

    /// <summary>The blocks, most recent first.</summary>
    public ReadOnlySpan<TcpSackBlock> Blocks => _blocks.AsSpan(0, Count);

    /// <summary>What the next ACK carries: the pending D-SACK block, if any, then the blocks.</summary>
    public ReadOnlySpan<TcpSackBlock> ToSend
    {
        get
        {
            if (_duplicate is not TcpSackBlock duplicate)
            {
                return Blocks;
            }

            _toSend[0] = duplicate;
            int kept = Math.Min(Count, TcpOptions.MaxSackBlocks - 1);
            _blocks.AsSpan(0, kept).CopyTo(_toSend.AsSpan(1));
            return _toSend.AsSpan(0, kept + 1);
        }
    }

    /// <summary>
    /// RFC 2883 §4: a segment arrived whose data was all received before; the next ACK reports
    /// [<paramref name="left"/>, <paramref name="right"/>) as its first block, once.
    /// </summary>
    public void ReportDuplicate(SeqNumber left, SeqNumber right) => _duplicate = new TcpSackBlock(left.Value, right.Value);

    /// <summary>An ACK carried <see cref="ToSend"/>: the D-SACK block has been reported.</summary>
    public void OnSent() => _duplicate = null;

    /// <summary>
    /// Records the out-of-order run that now holds the newest segment: it goes first, and earlier blocks it
    /// contains are dropped (a run is maximal, so an earlier block that touches it is inside it).
    /// </summary>
    public void Report(TcpSackBlock newest)
    {
        var left = new SeqNumber(newest.Left);
        var right = new SeqNumber(newest.Right);
        int kept = 0;
        Span<TcpSackBlock> previous = stackalloc TcpSackBlock[TcpOptions.MaxSackBlocks];
        foreach (TcpSackBlock block in Blocks)
        {
            bool inside = new SeqNumber(block.Left) >= left && new SeqNumber(block.Right) <= right;
            if (!inside && kept < TcpOptions.MaxSackBlocks - 1)
            {
                previous[kept++] = block;
            }
        }

        _blocks[0] = newest;
        previous[..kept].CopyTo(_blocks.AsSpan(1));
        Count = kept + 1;
    }

    /// <summary>Drops blocks RCV.NXT has reached: their data is in order now and acknowledged cumulatively.</summary>
    public void Advance(SeqNumber rcvNxt)
    {
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            TcpSackBlock block = _blocks[i];
            if (new SeqNumber(block.Right) > rcvNxt)
            {
                _blocks[kept++] = new SeqNumber(block.Left) < rcvNxt ? block with { Left = rcvNxt.Value } : block;
            }
        }

        Count = kept;
    }

    /// <summary>Forgets every block.</summary>
    public void Clear()
    {
        Count = 0;
        _duplicate = null;
    }
}
