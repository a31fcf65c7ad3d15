using Devmem.Cli.Serve;
using Devmem.Cli.Transfer;
using Devmem.Cli.Validation;
using Devmem.Memory;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Uapi;
using Microsoft.Extensions.Logging.Abstractions;

namespace Devmem.Cli.Tests.Serve;

/// <summary><c>devmem serve</c>'s discard and echo services, with many clients at once from a second engine over the memory link.</summary>
public sealed class ServeHostTests
{
    private const ushort DiscardPort = 9;
    private const ushort EchoPort = 7;

    [Fact]
    public async Task ManyConcurrentClients_DiscardAndEcho_AllServed_NothingLeaks()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(ManyConcurrentClients_DiscardAndEcho_AllServed_NothingLeaks));
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (var testbed = new MemoryLinkTestbed(new TestbedOptions { BindDevmemQueue = false }))
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            ServeHost serve = Serve(testbed);
            var listening = new TaskCompletionSource();
            Task serving = serve.RunAsync(listening, stop.Token);
            await listening.Task;

            byte[] data = NcdevmemPattern.Create(7, 256 * 1024);
            Task[] clients =
            [
                .. Enumerable.Range(0, 12).Select(_ => DiscardClientAsync(testbed, data, cancellationToken)),
                .. Enumerable.Range(0, 12).Select(i => EchoClientAsync(testbed, data.AsMemory(0, 16 * 1024 * (i + 1)), cancellationToken)),
            ];
            await Task.WhenAll(clients);
            await stop.CancelAsync();
            await serving;

            ServeReport report = serve.Report(testbed.Teardown());
            Assert.Equal(12, report.DiscardConnections);
            Assert.Equal(12, report.EchoConnections);
            Assert.Equal(0, report.FailedConnections);
            Assert.Equal(12L * data.Length, report.DiscardBytes);
            Assert.Equal(16L * 1024 * 78, report.EchoBytes);
            Assert.Equal(0, report.LinearBytes);
            Assert.True(report.Frags > 0);
            Assert.Equal(report.Frags, report.TokensIssued);
            Assert.Equal(report.TokensIssued, report.TokensReturned);
            Assert.Equal(0, report.LeakedNetIovs);
            Assert.Null(report.LeakReport);
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task Stopping_ClosesConnectionsStillOpen_AndNothingLeaks()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(Stopping_ClosesConnectionsStillOpen_AndNothingLeaks));
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (var testbed = new MemoryLinkTestbed(new TestbedOptions { BindDevmemQueue = false }))
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            ServeHost serve = Serve(testbed);
            var listening = new TaskCompletionSource();
            Task serving = serve.RunAsync(listening, stop.Token);
            await listening.Task;

            var open = new List<EngineTcpSocket>();
            for (int i = 0; i < 6; i++)
            {
                EngineTcpSocket socket = await testbed.Sender.ConnectAsync(testbed.ReceiverEndPoint(i % 2 == 0 ? DiscardPort : EchoPort), cancellationToken);
                await socket.SendAsync(NcdevmemPattern.Create(7, 32 * 1024), cancellationToken);
                open.Add(socket);
            }

            while (serve.Discarded.Bytes < 3 * 32 * 1024)
            {
                await Task.Delay(5, cancellationToken);
            }

            // Each echo came back, so the host accepted every connection before it is told to stop.
            foreach (EngineTcpSocket echo in open.Where((_, i) => i % 2 == 1))
            {
                Assert.Equal(32 * 1024, await ReadAtLeastAsync(echo, 32 * 1024, cancellationToken));
            }

            await stop.CancelAsync();
            await serving;
            foreach (EngineTcpSocket socket in open)
            {
                // The server's side goes (FIN, or RST where it left data unread); ours closes then.
                while (socket.State == TcpState.Established)
                {
                    await Task.Delay(5, cancellationToken);
                }

                socket.Dispose();
            }

            ServeReport report = serve.Report(testbed.Teardown());
            Assert.Equal(3, report.DiscardConnections);
            Assert.Equal(3, report.EchoConnections);
            Assert.Equal(report.TokensIssued, report.TokensReturned);
            Assert.Equal(0, report.LeakedNetIovs);
            Assert.Null(report.LeakReport);
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public void NothingToServe_IsAnError()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(NothingToServe_IsAnError));
        using (var testbed = new MemoryLinkTestbed(new TestbedOptions { BindDevmemQueue = false }))
        {
            var error = Assert.Throws<ArgumentException>(() => new ServeHost(testbed.Receiver, testbed.Binding,
                new ServeOptions { Address = testbed.ReceiverAddress }, NullLogger.Instance));
            Assert.Contains("--discard PORT, --echo PORT or both", error.Message, StringComparison.Ordinal);
            Assert.True(testbed.Teardown().Clean);
        }

        leaks.AssertNoLeaks();
    }

    private static ServeHost Serve(MemoryLinkTestbed testbed) => new(testbed.Receiver, testbed.Binding,
        new ServeOptions { Address = testbed.ReceiverAddress, DiscardPort = DiscardPort, EchoPort = EchoPort }, NullLogger.Instance);

    private static async Task DiscardClientAsync(MemoryLinkTestbed testbed, byte[] data, CancellationToken cancellationToken)
    {
        using EngineTcpSocket socket = await testbed.Sender.ConnectAsync(testbed.ReceiverEndPoint(DiscardPort), cancellationToken);
        await socket.SendAsync(data, cancellationToken);
        socket.ShutdownSend();
        Assert.Equal(0, await ReadAllAsync(socket, new byte[1], cancellationToken));
    }

    private static async Task EchoClientAsync(MemoryLinkTestbed testbed, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using EngineTcpSocket socket = await testbed.Sender.ConnectAsync(testbed.ReceiverEndPoint(EchoPort), cancellationToken);
        var echoed = new byte[data.Length + 1];
        Task<int> reading = ReadAllAsync(socket, echoed, cancellationToken);
        await socket.SendAsync(data, cancellationToken);
        socket.ShutdownSend();
        Assert.Equal(data.Length, await reading);
        Assert.True(data.Span.SequenceEqual(echoed.AsSpan(0, data.Length)));
    }

    // Reads readable bytes until count have come (or the peer's FIN); returns how many.
    private static async Task<int> ReadAtLeastAsync(EngineTcpSocket socket, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var fragments = new DevmemFragment[1];
        int total = 0;
        while (total < count)
        {
            DevmemReceiveResult received = await socket.Receiver.ReceiveAsync(buffer.AsMemory(total), fragments, count - total, MessageFlags.None, cancellationToken);
            if (received.IsEndOfStream)
            {
                break;
            }

            total += received.Bytes;
        }

        return total;
    }

    // Reads readable bytes into buffer until the peer's FIN; returns how many.
    private static async Task<int> ReadAllAsync(EngineTcpSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var fragments = new DevmemFragment[1];
        int total = 0;
        while (true)
        {
            DevmemReceiveResult received = await socket.Receiver.ReceiveAsync(buffer.AsMemory(Math.Min(total, buffer.Length - 1)), fragments, buffer.Length - total, MessageFlags.None, cancellationToken);
            if (received.IsEndOfStream)
            {
                return total;
            }

            total += received.Bytes;
        }
    }
}
