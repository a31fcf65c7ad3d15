using Devmem.Stack.Sockets;
using Devmem.Uapi;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>Disposing an engine releases everything, whatever the application left behind.</summary>
public sealed class EngineLifetimeTests
{
    [Fact]
    public async Task DisposingTheEngines_FreesQueuesAndTokensOfSocketsNeverDisposed()
    {
        using var pair = new EnginePair(ipv6: false);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort);
        Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), cancellationToken);
        EngineTcpSocket server = await accepting;
        await client.SendAsync(NcdevmemPattern.Create(64 * 1024), cancellationToken);

        // Hold the tokens of one receive and leave the rest queued; then A goes away with an RST, so B's
        // connection ends while its socket still holds device memory.
        var fragments = new DevmemFragment[64];
        DevmemReceiveResult received = await server.Receiver.ReceiveAsync(new byte[4096], fragments, 8192, MessageFlags.SockDevmem, cancellationToken);
        Assert.Equal(DevmemDataKind.DeviceMemory, received.Kind);
        Assert.True(server.Receiver.TokensOutstanding > 0);
        pair.A.Dispose();
        Assert.Equal(Errno.ECONNRESET, (await Assert.ThrowsAsync<DevmemException>(() => server.Closed)).Errno);

        pair.DisposeAndAssertNoLeaks();
    }
}
