using System.Net;
using System.Text.Json;
using Devmem.Cli.Hosting;
using Devmem.Cli.Links;
using Devmem.Cli.Ncdevmem;
using Devmem.Cli.Validation;
using Devmem.Kernel.DmaBufs;
using Devmem.Memory;
using Devmem.Stack.Sockets;
using Devmem.Uapi;

namespace Devmem.Cli.Tests.Ncdevmem;

/// <summary>ncdevmem's command line on the root command: its messages for missing arguments, the link seam, a whole server run.</summary>
[Collection(nameof(CliCollection))]
public sealed class NcdevmemCommandTests
{
    [Theory]
    [InlineData(new string[0], "ncdevmem: Missing -f argument")]
    [InlineData(new[] { "-l" }, "ncdevmem: Missing -s argument")]
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

    [Theory]
    [InlineData("udmabuf")]
    [InlineData("cuda")]
    public void Server_MemoryThisMachineLacks_IsEnodevWithTheExportersReason(string memory)
    {
        DmaBufExporterAvailability availability = memory == "cuda" ? CudaDmaBuf.CheckAvailability() : Udmabuf.CheckAvailability();
        Assert.SkipWhen(availability.IsAvailable, $"{memory} is available here, so the server would start and wait for a client");
        using var leaks = MemoryLeakScope.Begin(nameof(Server_MemoryThisMachineLacks_IsEnodevWithTheExportersReason));
        using var links = new MemoryLinkOpener();
        CliResult result = CliRunner.Run(links, "-l", "-s", "10.0.0.2", "-p", "5201", "-f", "memA", "--memory", memory);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"ncdevmem: ENODEV (No such device): --memory {memory} is not available on this machine: {availability.Reason}", result.Error, StringComparison.Ordinal);
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
    public void SystemLinks_RefuseNamesNoInterfaceCanHave()
    {
        var opener = new SystemLinkOpener();
        foreach (string name in new[] { "../eth7", "a/b", "..", "sixteen-chars-xx" })
        {
            var refused = Assert.Throws<DevmemException>(() => opener.Open(name));
            Assert.Equal(Errno.ENODEV, refused.Errno);
            Assert.Contains($"interface {name} does not exist", refused.Message, StringComparison.Ordinal);
        }
    }

    // --json's `validated` is true only when -v compared every byte: without it nothing was checked.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Server_MinusLMinusV7_OnTheRootCommand_ValidatesAClientsStream(bool validate)
    {
        using var leaks = MemoryLeakScope.Begin(nameof(Server_MinusLMinusV7_OnTheRootCommand_ValidatesAClientsStream));
        string[] arguments = ["-l", "-s", "10.0.0.2", "-p", "5201", .. validate ? ["-v", "7"] : Array.Empty<string>(), "-f", "memB", "--json"];
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (var links = new MemoryLinkOpener())
        {
            Task<CliResult> server = Task.Run(() => CliRunner.Run(links, arguments), cancellationToken);
            using (UserSpaceEngine client = EngineFactory.Start(links.Link.A, IPAddress.Parse("10.0.0.1"), EngineFactory.RandomMac()))
            {
                await SendWhenListeningAsync(client, NcdevmemPattern.Create(7, 64 * 1024), server, cancellationToken);
            }

            JsonElement json = (await server).Json();
            Assert.Equal("server", json.GetProperty("role").GetString());
            Assert.Equal(64 * 1024, json.GetProperty("bytes").GetInt64());
            Assert.Equal(0, json.GetProperty("errors").GetInt32());
            Assert.Equal(validate, json.GetProperty("validated").GetBoolean());
            Assert.Equal(JsonValueKind.Null, json.GetProperty("error").ValueKind);
            Assert.Equal(json.GetProperty("tokens_issued").GetInt64(), json.GetProperty("tokens_returned").GetInt64());
            Assert.Equal(0, json.GetProperty("leaked_net_iovs").GetInt64());
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task Pcap_RecordsTheServersLinkBothWays()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(Pcap_RecordsTheServersLinkBothWays));
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        string path = Path.Combine(Directory.CreateTempSubdirectory("devmem-pcap").FullName, "server.pcap");
        try
        {
            using (var links = new MemoryLinkOpener())
            {
                Task<CliResult> server = Task.Run(() => CliRunner.Run(links, "-l", "-s", "10.0.0.2", "-p", "5201", "-v", "7", "-f", "memB", "--json", "--pcap", path), cancellationToken);
                using (UserSpaceEngine client = EngineFactory.Start(links.Link.A, IPAddress.Parse("10.0.0.1"), EngineFactory.RandomMac()))
                {
                    await SendWhenListeningAsync(client, NcdevmemPattern.Create(7, 16 * 1024), server, cancellationToken);
                }

                Assert.Equal(0, (await server).ExitCode);
            }

            // Classic pcap: the microsecond magic, Ethernet link type, then one record per frame; 16 KiB of
            // payload and the handshake, ACKs and FINs both ways make well over a dozen.
            byte[] file = await File.ReadAllBytesAsync(path, cancellationToken);
            Assert.Equal(0xA1B2C3D4u, BitConverter.ToUInt32(file, 0));
            Assert.Equal(1u, BitConverter.ToUInt32(file, 20));
            int records = 0;
            for (int offset = 24; offset < file.Length; offset += 16 + (int)BitConverter.ToUInt32(file, offset + 8))
            {
                records++;
            }

            Assert.True(records > 12, $"{records} frames recorded");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task Stats_ShowTheQueuesPagePoolsAndTcpCounters()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(Stats_ShowTheQueuesPagePoolsAndTcpCounters));
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (var links = new MemoryLinkOpener())
        {
            Task<CliResult> server = Task.Run(() => CliRunner.Run(links, "-l", "-s", "10.0.0.2", "-p", "5201", "-v", "7", "-f", "memB", "--stats"), cancellationToken);
            using (UserSpaceEngine client = EngineFactory.Start(links.Link.A, IPAddress.Parse("10.0.0.1"), EngineFactory.RandomMac()))
            {
                await SendWhenListeningAsync(client, NcdevmemPattern.Create(7, 64 * 1024), server, cancellationToken);
            }

            CliResult result = await server;
            Assert.Equal(0, result.ExitCode);
            Assert.Matches(@"rx queue \d+: \d+ packets, \d+ bytes, \d+ header-split, drops: none", result.Error);
            Assert.Matches(@"page pool \d+ \(queue \d+, dma-buf \d+\): \d+ chunks in flight", result.Error);
            Assert.Matches(@"tcp: \d+ segments in, \d+ out, \d+ retransmitted", result.Error);
            Assert.Contains("server: 65536 bytes", result.Error, StringComparison.Ordinal);
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
