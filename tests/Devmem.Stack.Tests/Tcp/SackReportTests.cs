using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>RFC 2018 §4: the first block holds the newest segment; earlier blocks follow, most recent first.</summary>
public class SackReportTests
{
    [Fact]
    public void NewestBlockFirst_ThenPreviousOnes_CoveredOnesDropped()
    {
        var report = new SackReport();
        report.Report(new TcpSackBlock(100, 200));
        report.Report(new TcpSackBlock(300, 400));
        report.Report(new TcpSackBlock(500, 600));
        Assert.Equal([new(500, 600), new(300, 400), new(100, 200)], report.Blocks.ToArray());

        // The newest segment joined two earlier blocks into one run.
        report.Report(new TcpSackBlock(300, 600));
        Assert.Equal([new(300, 600), new(100, 200)], report.Blocks.ToArray());
    }

    [Fact]
    public void AtMostFourBlocks_TheOldestFallsOff()
    {
        var report = new SackReport();
        for (uint i = 0; i < 6; i++)
        {
            report.Report(new TcpSackBlock(i * 100, (i * 100) + 50));
        }

        Assert.Equal([new(500, 550), new(400, 450), new(300, 350), new(200, 250)], report.Blocks.ToArray());
    }

    [Fact]
    public void Advance_DropsBlocksRcvNxtReached()
    {
        var report = new SackReport();
        report.Report(new TcpSackBlock(100, 200));
        report.Report(new TcpSackBlock(300, 400));
        report.Advance(new SeqNumber(200));
        Assert.Equal([new(300, 400)], report.Blocks.ToArray());
        report.Clear();
        Assert.Equal(0, report.Count);
    }
}
