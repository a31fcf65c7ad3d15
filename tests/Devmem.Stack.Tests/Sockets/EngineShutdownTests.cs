using System.Net.Sockets;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>shutdown(SHUT_RD) and a lingering close (SO_LINGER with a timeout) on the engine's sockets.</summary>
public sealed class EngineShutdownTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static async Task<(EngineTcpSocket Client, EngineTcpSocket Server)> ConnectAsync(EnginePair pair, EngineTcpListener listener, CancellationToken cancellationToken)
    {
        Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), cancellationToken);
        return (client, await accepting);
    }

    [Fact]
    public async Task ShutdownReceive_EndsReading_WhileThePeersDataIsStillAcknowledgedAndFreed()
    {
        using var pair = new EnginePair(ipv6: false);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort))
        {
            (EngineTcpSocket client, EngineTcpSocket server) = await ConnectAsync(pair, listener, cancellationToken);
            using (client)
            using (server)
            {
                server.Shutdown(SocketShutdown.Receive);
                Assert.True((await server.Receiver.ReceiveAsync(new byte[16], new DevmemFragment[4], 16, Uapi.MessageFlags.SockDevmem, cancellationToken)).IsEndOfStream);

                // 4 MiB, more than any window: it can only all go if the discarded data keeps the window open.
                await client.SendAsync(NcdevmemPattern.Create(4 << 20), cancellationToken).AsTask().WaitAsync(Timeout, cancellationToken);
                Assert.True(await client.CloseAsync(Timeout, cancellationToken));
                Assert.Equal(0, server.Receiver.QueuedBytes);
            }
        }

        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task CloseAsync_WaitsForTheAcknowledgment_OrGivesUpAfterTheLinger()
    {
        using var pair = new EnginePair(ipv6: false);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort))
        {
            (EngineTcpSocket client, EngineTcpSocket server) = await ConnectAsync(pair, listener, cancellationToken);
            using (server)
            {
                await client.SendAsync(NcdevmemPattern.Create(1000), cancellationToken);
                Assert.True(await client.CloseAsync(Timeout, cancellationToken));
                // Our FIN is acknowledged: FIN-WAIT-2, or TIME-WAIT if the peer's FIN came too.
                Assert.Contains(client.State, new[] { TcpState.FinWait2, TcpState.TimeWait });
            }

            // A peer that never reads: its window closes, so most of 8 MiB can never be acknowledged in 300 ms.
            (EngineTcpSocket stuck, EngineTcpSocket silent) = await ConnectAsync(pair, listener, cancellationToken);
            using (silent)
            {
                Task sending = stuck.SendAsync(NcdevmemPattern.Create(8 << 20), cancellationToken).AsTask();
                await Task.Delay(100, cancellationToken);
                Assert.False(await stuck.CloseAsync(TimeSpan.FromMilliseconds(300), cancellationToken));

                // Closing ends the send that was still waiting for room.
                await Assert.ThrowsAsync<Uapi.DevmemException>(() => sending);
            }
        }

        pair.DisposeAndAssertNoLeaks();
    }
}
