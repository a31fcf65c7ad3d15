using System.Text;
using Devmem.Cli.Ncdevmem;
using Devmem.Cli.Validation;
using Devmem.Memory;
using Devmem.Stack.Sockets;

namespace Devmem.Cli.Tests.Ncdevmem;

/// <summary>The kernel's ncdevmem selftests, run against the server and client classes over the memory link.</summary>
public sealed class NcdevmemServerClientTests
{
    [Fact]
    public async Task CheckRx_HelloWorld_ArrivesOnStdoutInOrder()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(CheckRx_HelloWorld_ArrivesOnStdoutInOrder));
        using (var loopback = new NcdevmemLoopback())
        {
            NcdevmemServer server = loopback.Server();
            using (EngineTcpListener listener = server.Listen())
            {
                Assert.Null(await loopback.TransferAsync(server, listener, "hello\nworld\n"u8.ToArray()));
            }

            Assert.Equal("hello\nworld\n", Encoding.ASCII.GetString(loopback.ServerOutput.ToArray()));
            string log = loopback.ServerLog.ToString();
            Assert.Contains($"Waiting or connection on 10.0.0.2:{NcdevmemLoopback.Port}", log, StringComparison.Ordinal);
            Assert.Contains("Got connection from 10.0.0.1:", log, StringComparison.Ordinal);
            Assert.Contains("client exited\nncdevmem: ok\npage_aligned_frags=0, non_page_aligned_frags=", log.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            Assert.DoesNotContain("recvmsg ret=", log, StringComparison.Ordinal);
            Assert.Contains("ncdevmem: tx ok", loopback.ClientLog.ToString(), StringComparison.Ordinal);
            loopback.AssertCleanTeardown();
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task OneKiB_MinusV7_Validates_WithNcdevmemsPerCallLines()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(OneKiB_MinusV7_Validates_WithNcdevmemsPerCallLines));
        using (var loopback = new NcdevmemLoopback())
        {
            NcdevmemServer server = loopback.Server(validation: 7, trace: true);
            using (EngineTcpListener listener = server.Listen())
            {
                Assert.Null(await loopback.TransferAsync(server, listener, NcdevmemPattern.Create(7, 1024)));
            }

            Assert.Equal(0, server.ValidationErrors);
            Assert.Equal(1024, server.Counters.Bytes);
            Assert.Equal(server.Counters.TokensIssued, server.Counters.TokensReturned);
            Assert.Empty(loopback.ServerOutput.ToArray());
            string[] lines = loopback.ServerLog.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, line => line.StartsWith("recvmsg ret=", StringComparison.Ordinal));
            Assert.Matches(@"^received frag_page=\d+, in_page_offset=\d+, frag_offset=\d+, frag_size=\d+, token=\d+, total_received=\d+, dmabuf_id=\d+$",
                lines.First(line => line.StartsWith("received frag_page=", StringComparison.Ordinal)));
            Assert.Contains("total_received=1024", lines);
            Assert.Equal(["recvmsg ret=0", "client exited", "ncdevmem: ok"], lines[^4..^1]);
            loopback.AssertCleanTeardown();
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task WrongBytes_MinusV7_FailsAfterTwentyMismatches()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(WrongBytes_MinusV7_FailsAfterTwentyMismatches));
        using (var loopback = new NcdevmemLoopback())
        {
            NcdevmemServer server = loopback.Server(validation: 7);
            using (EngineTcpListener listener = server.Listen())
            {
                Assert.Equal("validation failed", await loopback.TransferAsync(server, listener, new byte[1024]));
            }

            string log = loopback.ServerLog.ToString();
            Assert.Equal(NcdevmemValidator.MaxErrors + 1, log.Split("Failed validation: expected=").Length - 1);
            Assert.Contains("Failed validation: expected=1, actual=0, index=0", log, StringComparison.Ordinal);
            Assert.Contains("ncdevmem: validation failed", log, StringComparison.Ordinal);
            Assert.DoesNotContain("ncdevmem: ok", log, StringComparison.Ordinal);
            loopback.AssertCleanTeardown();
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task CheckRxHds_PayloadSizesUpTo8192_NeverLinear_WithMinusL()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(CheckRxHds_PayloadSizesUpTo8192_NeverLinear_WithMinusL));
        int[] sizes = [.. Enumerable.Range(1, 16), 63, 64, 65, 1023, 1024, 1025, 1447, 1448, 1449, 2896, 4095, 4096, 4097, 6000, 8191, 8192];
        using (var loopback = new NcdevmemLoopback())
        {
            NcdevmemServer server = loopback.Server(validation: 7, failOnLinear: true);
            using (EngineTcpListener listener = server.Listen())
            {
                foreach (int size in sizes)
                {
                    Assert.Null(await loopback.TransferAsync(server, listener, NcdevmemPattern.Create(7, size)));
                }
            }

            Assert.Equal(sizes.Sum(), server.Counters.Bytes);
            Assert.Equal(0, server.Counters.LinearBytes);
            Assert.Equal(sizes.Length, loopback.ServerLog.ToString().Split("ncdevmem: ok").Length - 1);
            loopback.AssertCleanTeardown();
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task CheckTxChunks_ClientWritesOfThreeBytes_ReachTheServerIntact()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(CheckTxChunks_ClientWritesOfThreeBytes_ReachTheServerIntact));
        using (var loopback = new NcdevmemLoopback())
        {
            NcdevmemServer server = loopback.Server(validation: 7);
            using (EngineTcpListener listener = server.Listen())
            {
                Assert.Null(await loopback.TransferAsync(server, listener, NcdevmemPattern.Create(7, 4096), maxChunk: 3));
            }

            Assert.Equal(4096, server.Counters.Bytes);
            Assert.Equal(0, server.ValidationErrors);
            Assert.Contains("ncdevmem: tx ok", loopback.ClientLog.ToString(), StringComparison.Ordinal);
            loopback.AssertCleanTeardown();
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task Sink_CountsAndReturnsTokens_WithoutPrinting()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(Sink_CountsAndReturnsTokens_WithoutPrinting));
        using (var loopback = new NcdevmemLoopback())
        {
            NcdevmemServer server = loopback.Server(sink: true);
            using (EngineTcpListener listener = server.Listen())
            {
                Assert.Null(await loopback.TransferAsync(server, listener, new byte[256 * 1024]));
            }

            Assert.Equal(256 * 1024, server.Counters.Bytes);
            Assert.Equal(server.Counters.TokensIssued, server.Counters.TokensReturned);
            Assert.Empty(loopback.ServerOutput.ToArray());
            loopback.AssertCleanTeardown();
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task WithoutFlowRule_MinusN_IsAFlowSteeringError()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(WithoutFlowRule_MinusN_IsAFlowSteeringError));
        using (var loopback = new NcdevmemLoopback())
        {
            // -n leaves RSS over every queue and adds no rule: the flow hashes to a queue of host memory
            // (or, by chance, the bound one); ncdevmem calls the first case a flow steering error.
            NcdevmemServer server = loopback.Server(skipNicConfiguration: true, validation: 7, failOnLinear: true);
            using (EngineTcpListener listener = server.Listen())
            {
                string? verdict = await loopback.TransferAsync(server, listener, NcdevmemPattern.Create(7, 4096));
                Assert.True(verdict is null or "flow steering error", verdict);
            }

            loopback.AssertCleanTeardown();
        }

        leaks.AssertNoLeaks();
    }
}
