using CsCheck;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>The sender's SACK scoreboard (RFC 6675 §3): merging, validation, D-SACK (RFC 2883), IsLost, reneging, its bound.</summary>
public class SackScoreboardTests
{
    private static readonly SeqNumber Una = new(1000);
    private static readonly SeqNumber Max = new(11000);

    private static TcpSackBlock Block(int left, int right) => new((uint)(1000 + left), (uint)(1000 + right));

    private static SackUpdate Update(SackScoreboard board, int ack, params TcpSackBlock[] blocks) =>
        board.Update(blocks, Una + ack, Una + ack, Max);

    [Fact]
    public void Blocks_MergeIntoSortedDisjointRanges_CountingOnlyNewBytes()
    {
        var board = new SackScoreboard();
        Assert.Equal(1000, Update(board, 0, Block(3000, 4000)).NewlySackedBytes);
        Assert.Equal(1000, Update(board, 0, Block(1000, 2000), Block(3000, 4000)).NewlySackedBytes);
        Assert.Equal(2, board.Count);

        // [1500, 3500) bridges both: only the 1000-byte gap is new, and the ranges become one.
        Assert.Equal(1000, Update(board, 0, Block(1500, 3500)).NewlySackedBytes);
        Assert.Equal(1, board.Count);
        Assert.Equal((Una + 1000, Una + 4000), board[0]);
        Assert.Equal(3000, board.SackedBytes);

        // Adjacent blocks merge too; a repeat adds nothing.
        Assert.Equal(500, Update(board, 0, Block(4000, 4500)).NewlySackedBytes);
        Assert.Equal(0, Update(board, 0, Block(1000, 4500)).NewlySackedBytes);
        Assert.Equal(1, board.Count);
        Assert.Equal(3500, board.SackedBytes);
    }

    [Fact]
    public void BlocksBeyondWhatWasSent_OrInverted_AreRejected()
    {
        var board = new SackScoreboard();
        SackUpdate update = Update(board, 0, Block(9000, 10_001), Block(2000, 1000), Block(5000, 6000));
        Assert.Equal(2, update.RejectedBlocks);
        Assert.Equal(1000, update.NewlySackedBytes);
        Assert.Equal(1, board.Count);
    }

    [Fact]
    public void FirstBlockBelowTheCumulativeAck_IsADsack_AndStaysOffTheBoard()
    {
        var board = new SackScoreboard();
        SackUpdate update = board.Update([Block(0, 500), Block(2000, 3000)], Una + 1000, Una + 1000, Max);
        Assert.True(update.DuplicateReported);
        Assert.Equal(1000, update.NewlySackedBytes);
        Assert.Equal((Una + 2000, Una + 3000), board[0]);
    }

    [Fact]
    public void FirstBlockInsideTheSecond_IsADsack()
    {
        var board = new SackScoreboard();
        Update(board, 0, Block(2000, 4000));
        SackUpdate update = Update(board, 0, Block(2500, 3000), Block(2000, 4000));
        Assert.True(update.DuplicateReported);
        Assert.Equal(0, update.NewlySackedBytes);
    }

    [Fact]
    public void Advance_DropsAndClips_AndAnAckStoppingAtSackedData_IsReneging()
    {
        var board = new SackScoreboard();
        Update(board, 0, Block(1000, 2000), Block(3000, 5000));
        board.Advance(Una + 3500);
        Assert.Equal(1, board.Count);
        Assert.Equal((Una + 3500, Una + 5000), board[0]);
        Assert.True(board.IsReneged(Una + 3500));

        board.Clear();
        Update(board, 0, Block(3000, 5000));
        board.Advance(Una + 2000);
        Assert.False(board.IsReneged(Una + 2000));
    }

    [Fact]
    public void LostBoundary_ByBytes_AndByRangeCount()
    {
        const int smss = 1000;
        var board = new SackScoreboard();
        Update(board, 0, Block(2000, 4000));

        // 2000 bytes SACKed above: not more than (DupThresh - 1)·SMSS, nothing is lost yet.
        Assert.Equal(Una, board.LostBoundary(Una, smss, 3));
        Update(board, 0, Block(2000, 4001));
        Assert.Equal(Una + 2000, board.LostBoundary(Una, smss, 3));

        // Three separate small ranges above a byte: lost too (the discontiguous rule).
        var small = new SackScoreboard();
        Update(small, 0, Block(2000, 2100), Block(3000, 3100), Block(4000, 4100));
        Assert.Equal(Una + 2000, small.LostBoundary(Una, smss, 3));
    }

    [Fact]
    public void Capacity_BoundsTheRanges_AndCountsWhatDidNotFit()
    {
        var board = new SackScoreboard(capacity: 4);
        int rejected = 0;
        for (int i = 0; i < 10; i++)
        {
            rejected += Update(board, 0, Block(i * 200, (i * 200) + 100)).RejectedBlocks;
        }

        Assert.Equal(4, board.Count);
        Assert.Equal(6, rejected);
    }

    [Fact]
    public void Property_TheBoardEqualsTheUnionOfAcceptedBlocks()
    {
        Gen.Select(Gen.Int[0, 9000], Gen.Int[1, 1500]).Array[1, 40].Sample(blocks =>
        {
            var board = new SackScoreboard(capacity: 64);
            var expected = new bool[10_000];
            foreach ((int left, int length) in blocks)
            {
                int right = Math.Min(left + length, 10_000);
                int before = expected.Count(b => b);
                SackUpdate update = Update(board, 0, Block(left, right));
                for (int i = left; i < right; i++)
                {
                    expected[i] = true;
                }

                Assert.Equal(expected.Count(b => b) - before, update.NewlySackedBytes);
            }

            Assert.Equal(expected.Count(b => b), board.SackedBytes);
            for (int i = 1; i < board.Count; i++)
            {
                Assert.True(board[i - 1].Right < board[i].Left, "ranges are sorted, disjoint and not adjacent");
            }

            for (int probe = 0; probe < 10_000; probe += 37)
            {
                Assert.Equal(expected[probe], board.TryGetSackedRangeEnd(Una + probe, out _));
            }
        }, iter: 300);
    }
}
