using Devmem.Cli.Demo;
using Devmem.Memory;

namespace Devmem.Cli.Tests.Demo;

/// <summary>
/// <c>devmem demo</c>'s transfer end to end: ncdevmem's pattern validated in device memory, every token
/// returned, nothing leaked. Small sizes: the engines move about 150 MiB/s, and a lossy run waits on RTOs.
/// </summary>
public sealed class DemoRunnerTests
{
    private const long MiB = 1 << 20;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CleanWire_ValidatesInDeviceMemory_ReturnsEveryToken(bool ipv6)
    {
        using var leaks = MemoryLeakScope.Begin(nameof(CleanWire_ValidatesInDeviceMemory_ReturnsEveryToken));
        DemoReport report = await new DemoRunner(new DemoOptions { Bytes = 4 * MiB, Ipv6 = ipv6 }, TextWriter.Null)
            .RunAsync(TestContext.Current.CancellationToken);

        Assert.True(report.Succeeded, report.Error);
        Assert.True(report.Validated);
        Assert.Equal(4 * MiB, report.Bytes);
        Assert.Equal(0, report.Errors);
        Assert.Equal(0, report.LinearBytes);
        Assert.True(report.Frags > 0);
        Assert.Equal(report.Frags, report.TokensIssued);
        Assert.Equal(report.TokensIssued, report.TokensReturned);
        Assert.Equal(0, report.Pool.HeldByApplication);
        Assert.All(report.Drops.Values, count => Assert.Equal(0, count));
        Assert.Equal(0, report.LeakedNetIovs);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task FaultyWire_RecoversByteExact_AndCountsDropsAndRetransmits()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(FaultyWire_RecoversByteExact_AndCountsDropsAndRetransmits));
        var options = new DemoOptions { Bytes = MiB, LossPercent = 1, ReorderPercent = 1, DuplicatePercent = 0.5, CorruptPercent = 0.2, Seed = 3 };
        DemoReport report = await new DemoRunner(options, TextWriter.Null).RunAsync(TestContext.Current.CancellationToken);

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(MiB, report.Bytes);
        Assert.True(report.Drops["injected_loss"] > 0);
        Assert.True(report.Retransmits > 0);
        Assert.Equal(report.TokensIssued, report.TokensReturned);
        Assert.Equal(0, report.LeakedNetIovs);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task Stopped_MidTransfer_TearsDownWithoutLeaks()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(Stopped_MidTransfer_TearsDownWithoutLeaks));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var runner = new DemoRunner(new DemoOptions { Bytes = 1L << 40 }, TextWriter.Null);
        Task<DemoReport> running = runner.RunAsync(stop.Token);
        while (runner.Counters.Bytes < MiB)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        // What SIGINT or SIGTERM does through TerminationSignals.
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(runner.Counters.TokensIssued, runner.Counters.TokensReturned);
        leaks.AssertNoLeaks();
    }
}
