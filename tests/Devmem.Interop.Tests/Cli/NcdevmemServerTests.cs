using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Devmem.Stack.Tests.Sockets;

namespace Devmem.Interop.Tests.Cli;

/// <summary>
/// The real <c>devmem -l</c> (ncdevmem's server) on a TAP it creates in the test's namespace, the kernel's
/// socat as the client: the kernel selftest's <c>check_rx</c>, <c>check_rx_hds</c> and its <c>-v 7</c> runs.
/// </summary>
public sealed class NcdevmemServerTests(ITestOutputHelper output)
{
    private static IPEndPoint Server(bool ipv6 = false) => new(CliNamespace.DevmemAddress(ipv6), CliNamespace.Port);

    private static string[] ServerArguments(bool ipv6, params string[] extra) =>
        ["-l", "-s", CliNamespace.DevmemAddress(ipv6).ToString(), "-p", CliNamespace.Port.ToString(CultureInfo.InvariantCulture), "-f", CliNamespace.Device, .. extra];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CheckRx_HelloWorldThroughSocat_PrintedOnStdout(bool ipv6)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using CliNamespace ns = CliNamespace.Create();
        using DevmemProcess server = await ns.StartServerAsync(CliNamespace.Listening, ServerArguments(ipv6), cancellationToken);

        await KernelSocat.SendAsync(ns, Server(ipv6), Encoding.ASCII.GetBytes("hello\nworld\n"), cancellationToken);

        (int exitCode, string stdout) = await server.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        Assert.True(exitCode == 0, $"exit {exitCode}; stderr:\n{server.Stderr}");
        Assert.Equal("hello\nworld\n", stdout);
        Assert.Contains("ncdevmem: ok", server.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task AServerStoppedBySignal_SaysSo_AndExitsAsTheShellExpects(string signal, int exitCode)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using CliNamespace ns = CliNamespace.Create();
        using DevmemProcess server = await ns.StartServerAsync(CliNamespace.Listening, ServerArguments(false), cancellationToken);

        // 128 + the signal's number, as a shell reports a process that signal killed.
        server.Signal(signal);
        (int exit, _) = await server.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        Assert.Equal(exitCode, exit);
        Assert.Contains("ncdevmem: interrupted", server.Stderr, StringComparison.Ordinal);
    }

    // check_rx_hds's payload sizes, one server run each.
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(128)]
    [InlineData(256)]
    [InlineData(512)]
    [InlineData(1024)]
    [InlineData(2048)]
    [InlineData(4096)]
    [InlineData(8192)]
    public async Task CheckRxHds_PayloadSize_NoLinearData(int size)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using CliNamespace ns = CliNamespace.Create();
        using DevmemProcess server = await ns.StartServerAsync(CliNamespace.Listening, ServerArguments(false, "-L"), cancellationToken);

        // As the selftest: `dd if=/dev/zero bs=SIZE count=1 | socat -b SIZE -u - TCP:ADDR:PORT,nodelay` into `-L`.
        await KernelSocat.SendAsync(ns, Server(), new byte[size], cancellationToken, ["-b", $"{size}"], ",nodelay");

        (int exitCode, string stdout) = await server.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        Assert.True(exitCode == 0, $"HDS failed for payload size {size}: exit {exitCode}; stderr:\n{server.Stderr}");
        Assert.Equal(size, stdout.Length);
        Assert.Contains("ncdevmem: ok", server.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, false)]
    [InlineData(1024, true)]
    [InlineData(64 << 20, false)]
    public async Task ValidatePattern_KernelSends_JsonShowsEveryByteValidatedAndNothingLeaked(int bytes, bool ipv6)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using CliNamespace ns = CliNamespace.Create();
        using DevmemProcess server = await ns.StartServerAsync(CliNamespace.Listening, ServerArguments(ipv6, "-v", "7", "--json"), cancellationToken);

        var clock = Stopwatch.StartNew();
        await KernelSocat.SendAsync(ns, Server(ipv6), NcdevmemPattern.Create(bytes), cancellationToken);
        (int exitCode, string stdout) = await server.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        output.WriteLine($"{bytes} bytes through socat into devmem -v 7 in {clock.ElapsedMilliseconds} ms: {stdout}");

        Assert.True(exitCode == 0, $"exit {exitCode}; stderr:\n{server.Stderr}");
        using JsonDocument report = JsonDocument.Parse(stdout);
        JsonElement r = report.RootElement;
        Assert.Equal(bytes, r.GetProperty("bytes").GetInt64());
        Assert.Equal(0, r.GetProperty("errors").GetInt32());
        Assert.True(r.GetProperty("validated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("error").ValueKind);
        Assert.Equal(0, r.GetProperty("linear_bytes").GetInt64());
        Assert.Equal(0, r.GetProperty("leaked_net_iovs").GetInt64());
        Assert.True(r.GetProperty("frags").GetInt64() > 0);
        Assert.Equal(r.GetProperty("tokens_issued").GetInt64(), r.GetProperty("tokens_returned").GetInt64());
        Assert.Contains("ncdevmem: ok", server.Stderr, StringComparison.Ordinal);
    }
}
