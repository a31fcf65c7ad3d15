using System.Net;
using System.Text.Json;
using Devmem.Cli.Hosting;
using Devmem.Cli.Links;
using Devmem.Cli.Ncdevmem;
using Devmem.Cli.Validation;
using Devmem.Memory;
using Devmem.Stack.Sockets;
using Devmem.Uapi;

namespace Devmem.Cli.Tests.Ncdevmem;

/// <summary>ncdevmem's command line on the root command: its messages for missing arguments, the link seam, a whole server run.</summary>
[Collection(nameof(CliCollection))]
public sealed class NcdevmemCommandTests
{
    [Theory]
    [InlineData(new string[0], "ncdevmem: Missing -s argument")]
    [InlineData(new[] { "-l", "-s", "10.0.0.2" }, "ncdevmem: Missing -p argument")]
    [InlineData(new[] { "-l", "-s", "10.0.0.2", "-p", "5201", "-v", "7" }, "ncdevmem: Missing -f argument")]
    [InlineData(new[] { "-s", "10.0.0.2", "-p", "5201", "-f", "memA" }, "ncdevmem: Missing -c argument")]
    [InlineData(new[] { "-l", "-s", "10.0.0.999", "-p", "5201", "-f", "memB" }, "ncdevmem: -s 10.0.0.999 is not an IPv4 or IPv6 address")]
    [InlineData(new[] { "-l", "-s", "10.0.0.2", "-p", "70000", "-f", "memB" }, "ncdevmem: -p 70000 is not a port")]
    [InlineData(new[] { "-l", "-s", "10.0.0.2", "-p", "5201", "-f", "memB", "-v", "7", "--sink" }, "ncdevmem: -v and --sink exclude each other")]
    [InlineData(new[] { "-l", "-s", "10.0.0.2", "-p", "5201", "-f", "nosuch0" }, "ncdevmem: ENODEV (No such device): interface nosuch0 does not exist")]
    [InlineData(new[] { "-l", "-s", "10.0.0.2", "-p", "5201", "-f", "nosuch0", "--engine", "kernel" }, "ncdevmem: ENODEV (No such device): interface nosuch0 does not exist")]
    public void BadCommandLine_NcdevmemsMessage_NoStackTrace(string[] args, string message)
    {
        using var leaks = MemoryLeakScope.Begin(nameof(BadCommandLine_NcdevmemsMessage_NoStackTrace));
        using var links = new MemoryLinkOpener();
        CliResult result = CliRunner.Run(links, args);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void DebugLogLevel_AddsTheStackTrace()
    {
        using var links = new MemoryLinkOpener();
        CliResult result = CliRunner.Run(links, "-l", "-s", "10.0.0.2", "-p", "5201", "-f", "nosuch0", "--log-level", "debug");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemLinks_NameWhatIsMissing()
    {
        string sys = Directory.CreateTempSubdirectory("devmem-sys-class-net").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(sys, "eth7"));
            var opener = new SystemLinkOpener(sys);
            var missing = Assert.Throws<DevmemException>(() => opener.Open("eth8"));
            Assert.Equal(Errno.ENODEV, missing.Errno);
            Assert.Contains("interface eth8 does not exist", missing.Message, StringComparison.Ordinal);
            Assert.Equal(Errno.ENODEV, Assert.Throws<DevmemException>(() => opener.Open("../eth7")).Errno);

            // Privileged or not, an existing interface is refused with what to do instead.
            var existing = Assert.Throws<DevmemException>(() => opener.Open("eth7"));
            Assert.Contains(Environment.IsPrivilegedProcess ? "TAP and AF_PACKET links are being built" : "needs CAP_NET_ADMIN: run as root", existing.Message, StringComparison.Ordinal);
            Assert.Contains("devmem demo", existing.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(sys, recursive: true);
        }
    }

    [Fact]
    public async Task Server_MinusLMinusV7_OnTheRootCommand_ValidatesAClientsStream()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(Server_MinusLMinusV7_OnTheRootCommand_ValidatesAClientsStream));
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (var links = new MemoryLinkOpener())
        {
            Task<CliResult> server = Task.Run(() => CliRunner.Run(links, "-l", "-s", "10.0.0.2", "-p", "5201", "-v", "7", "-f", "memB", "--json"), cancellationToken);
            using (UserSpaceEngine client = EngineFactory.Start(links.Link.A, IPAddress.Parse("10.0.0.1"), EngineFactory.RandomMac()))
            {
                await SendWhenListeningAsync(client, NcdevmemPattern.Create(7, 64 * 1024), server, cancellationToken);
            }

            JsonElement json = (await server).Json();
            Assert.Equal("server", json.GetProperty("role").GetString());
            Assert.Equal(64 * 1024, json.GetProperty("bytes").GetInt64());
            Assert.Equal(0, json.GetProperty("errors").GetInt32());
            Assert.Equal(JsonValueKind.Null, json.GetProperty("error").ValueKind);
            Assert.Equal(json.GetProperty("tokens_issued").GetInt64(), json.GetProperty("tokens_returned").GetInt64());
            Assert.Equal(0, json.GetProperty("leaked_net_iovs").GetInt64());
        }

        leaks.AssertNoLeaks();
    }

    // The server command starts on another thread; until it listens, connecting is refused.
    private static async Task SendWhenListeningAsync(UserSpaceEngine engine, byte[] data, Task<CliResult> server, CancellationToken cancellationToken)
    {
        var client = new NcdevmemClient(engine, TextWriter.Null);
        while (true)
        {
            try
            {
                using var input = new MemoryStream(data);
                await client.RunAsync(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5201), input, 0, cancellationToken);
                return;
            }
            catch (DevmemException e) when (e.Errno == Errno.ECONNREFUSED && !server.IsCompleted)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }
}
