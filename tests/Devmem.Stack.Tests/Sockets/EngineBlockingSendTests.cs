using Devmem.Stack.Sockets;
using Devmem.Uapi;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// The blocking <see cref="EngineTcpSocket.Send"/>: a thread of its own, woken by the engine's loop; the same
/// delivery, cancellation and errors as <see cref="EngineTcpSocket.SendAsync"/>.
/// </summary>
public sealed class EngineBlockingSendTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sends_from_a_thread_of_their_own_arrive_byte_exact()
    {
        using var pair = new EnginePair(ipv6: false);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort))
        {
            Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
            using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), cancellationToken);
            using EngineTcpSocket server = await accepting;
            byte[] data = NcdevmemPattern.Create(4 << 20);
            Task<long> reading = Task.Run(() => DevmemStreamReader.ReadToEndAsync(server, pair.DmaBuf, DevmemDataKind.DeviceMemory, cancellationToken), cancellationToken);

            await RunOnThreadAsync(() =>
            {
                for (int sent = 0; sent < data.Length; sent += 100_000)
                {
                    client.Send(data.AsMemory(sent, Math.Min(100_000, data.Length - sent)), cancellationToken);
                }

                client.ShutdownSend();
            });

            Assert.Equal(data.Length, await reading.WaitAsync(Timeout, cancellationToken));
        }

        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task A_send_that_fits_is_copied_on_the_callers_thread_and_completes_at_once()
    {
        using var pair = new EnginePair(ipv6: false);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort))
        {
            Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
            using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), cancellationToken);
            using EngineTcpSocket server = await accepting;
            byte[] data = NcdevmemPattern.Create(64 * 1024);
            Task<long> reading = Task.Run(() => DevmemStreamReader.ReadToEndAsync(server, pair.DmaBuf, DevmemDataKind.DeviceMemory, cancellationToken), cancellationToken);

            // Room in the send buffer: no hand-off to the loop to wait for.
            ValueTask sent = client.SendAsync(data, cancellationToken);
            Assert.True(sent.IsCompletedSuccessfully);
            await sent;
            client.ShutdownSend();
            Assert.Equal(data.Length, await reading.WaitAsync(Timeout, cancellationToken));
        }

        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task A_send_waiting_for_room_is_cancelled_and_the_next_one_still_works()
    {
        using var pair = new EnginePair(ipv6: false);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.UnsteeredPort))
        {
            Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
            using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.UnsteeredPort), cancellationToken);
            using EngineTcpSocket server = await accepting;

            // Nobody reads: the peer's window and our send buffer fill, and the send waits for room.
            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cancellation.CancelAfter(TimeSpan.FromMilliseconds(300));
            byte[] tooMuch = new byte[64 << 20];
            await RunOnThreadAsync(() => Assert.Throws<OperationCanceledException>(() => client.Send(tooMuch, cancellation.Token)));

            // One send at a time still holds: the cancelled one is over, so another may start.
            server.Abort();
            await Assert.ThrowsAsync<DevmemException>(() => client.Closed.WaitAsync(Timeout, cancellationToken));
            await RunOnThreadAsync(() => Assert.Equal(Errno.ECONNRESET, Assert.Throws<DevmemException>(() => client.Send(new byte[1], cancellationToken)).Errno));
        }

        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task A_send_after_shutdown_is_a_broken_pipe()
    {
        using var pair = new EnginePair(ipv6: true);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.UnsteeredPort))
        {
            Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
            using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.UnsteeredPort), cancellationToken);
            using EngineTcpSocket server = await accepting;
            client.ShutdownSend();
            await RunOnThreadAsync(() => Assert.Equal(Errno.EPIPE, Assert.Throws<DevmemException>(() => client.Send(new byte[1], cancellationToken)).Errno));
        }

        pair.DisposeAndAssertNoLeaks();
    }

    // A dedicated thread, as an application that sends with blocking calls has; the test awaits it with a deadline.
    private static Task RunOnThreadAsync(Action body) =>
        Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(Timeout);
}
