using Devmem.Cli.Hosting;

namespace Devmem.Cli.Tests.Hosting;

public sealed class TransferProgressTests
{
    [Fact]
    public void Line_ShowsBytesRateAndEta()
    {
        string line = TransferProgress.Format(256L << 20, 1L << 30, TimeSpan.FromSeconds(2));
        Assert.Equal("256.0 MiB / 1.0 GiB (25%)  128.0 MiB/s  1.07 Gbit/s  ETA 0:00:06", line);
    }

    [Fact]
    public void Line_BeforeAnyByte_HasNoEta() =>
        Assert.EndsWith("ETA -:--:--", TransferProgress.Format(0, 1L << 20, TimeSpan.Zero), StringComparison.Ordinal);

    [Fact]
    public void RedirectedStdout_GetsNoDisplay()
    {
        // The test host's stdout is a pipe, as a script's would be.
        Assert.True(Console.IsOutputRedirected);
        Assert.Null(TransferProgress.StartIfTerminal(() => 0, 1));
    }
}
