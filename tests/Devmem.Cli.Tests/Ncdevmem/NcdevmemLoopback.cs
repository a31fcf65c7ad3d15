using System.Globalization;
using Devmem.Cli.Ncdevmem;
using Devmem.Cli.Transfer;
using Devmem.Uapi;

namespace Devmem.Cli.Tests.Ncdevmem;

/// <summary>
/// ncdevmem's server on one engine and its client on another, over the memory link, with each side's
/// stderr and the server's stdout captured. <see cref="AssertCleanTeardown"/> ends every test.
/// </summary>
internal sealed class NcdevmemLoopback : IDisposable
{
    public const ushort Port = 5201;

    private readonly MemoryLinkTestbed _testbed = new(new TestbedOptions { BindDevmemQueue = false });

    public StringWriter ServerLog { get; } = new(CultureInfo.InvariantCulture);

    public StringWriter ClientLog { get; } = new(CultureInfo.InvariantCulture);

    public MemoryStream ServerOutput { get; } = new();

    public NcdevmemServer Server(long validation = 0, bool failOnLinear = false, bool skipNicConfiguration = false, bool trace = false, bool sink = false) =>
        new(_testbed.Receiver, _testbed.Binding, new NcdevmemServerOptions
        {
            Address = _testbed.ReceiverAddress,
            Port = Port,
            Validation = validation,
            FailOnLinear = failOnLinear,
            SkipNicConfiguration = skipNicConfiguration,
            TraceCalls = trace,
            Sink = sink,
        }, ServerLog, ServerOutput);

    public NcdevmemClient Client() => new(_testbed.Sender, ClientLog);

    /// <summary>The client sends <paramref name="data"/> while the server serves one connection; returns the server's verdict.</summary>
    public async Task<string?> TransferAsync(NcdevmemServer server, Devmem.Stack.Sockets.EngineTcpListener listener, byte[] data, int maxChunk = 0)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        Task<string?> serving = server.ServeOneAsync(listener, cancellationToken);
        using var input = new MemoryStream(data);
        Task<long> sending = Client().RunAsync(_testbed.ReceiverEndPoint(Port), input, maxChunk, cancellationToken);
        string? verdict = await serving;
        if (verdict is null)
        {
            Assert.Equal(data.Length, await sending);
        }
        else
        {
            // The server gave up and closed: a reset when data was still queued (the client fails with
            // ECONNRESET), an orderly close when it had read everything (the client finishes).
            try
            {
                await sending;
            }
            catch (DevmemException e) when (e.Errno == Errno.ECONNRESET)
            {
            }
        }

        return verdict;
    }

    public void AssertCleanTeardown()
    {
        TeardownReport teardown = _testbed.Teardown();
        Assert.True(teardown.Clean, $"{teardown}");
    }

    public void Dispose()
    {
        _testbed.Dispose();
        ServerLog.Dispose();
        ClientLog.Dispose();
        ServerOutput.Dispose();
    }
}
