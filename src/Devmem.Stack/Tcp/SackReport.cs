using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// The SACK blocks a receiver reports (RFC 2018 §4): the first block holds the segment that arrived most
/// recently, the others repeat the blocks reported before it, most recent first, leaving out any that the
/// first now covers. Blocks leave once RCV.NXT passes them. Up to four are kept; the header carries as
/// many as fit beside the other options.
/// </summary>
public sealed class SackReport
{
    private readonly TcpSackBlock[] _blocks = new TcpSackBlock[TcpOptions.MaxSackBlocks];

    /// <summary>Blocks held.</summary>
    public int Count { get; private set; }

    /// <summary>The blocks, most recent first.</summary>
    public ReadOnlySpan<TcpSackBlock> Blocks => _blocks.AsSpan(0, Count);

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
    public void Clear() => Count = 0;
}
