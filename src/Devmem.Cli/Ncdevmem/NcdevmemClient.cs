using System.Net;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Uapi;

namespace Devmem.Cli.Ncdevmem;

/// <summary>
/// ncdevmem's client on a started user-space engine: connects to the server, sends what it reads from its
/// input until end of file in writes of at most <c>-z</c> bytes, closes its side, waits for the server to
/// close, and says <c>ncdevmem: tx ok</c>.
/// </summary>
/// <remarks>
/// ncdevmem sends from a dma-buf (devmem TX, MSG_ZEROCOPY); the user-space engine has no devmem transmit yet,
/// so the bytes go from host memory. The stream the server sees is the same; <c>-z</c> still cuts it into
/// writes of that size, which is what the kernel's <c>check_tx_chunks</c> exercises.
/// </remarks>
internal sealed class NcdevmemClient(UserSpaceEngine engine, TextWriter log)
{
    /// <summary>The connection's TCP counters, once connected.</summary>
    public TcpCounters? Connection { get; private set; }

    /// <summary>
    /// Sends <paramref name="input"/> to <paramref name="server"/> in writes of at most <paramref name="maxChunk"/>
    /// bytes (<c>-z</c>; 0 for no limit); returns the bytes sent.
    /// </summary>
    public async Task<long> RunAsync(IPEndPoint server, Stream input, int maxChunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(input);
        using EngineTcpSocket socket = await engine.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        Connection = socket.Counters;
        long sent = await InputChunks.SendAllAsync(input, maxChunk, socket.SendAsync, cancellationToken).ConfigureAwait(false);
        socket.ShutdownSend();
        await DrainAsync(socket, cancellationToken).ConfigureAwait(false);
        log.WriteLine("ncdevmem: tx ok");
        return sent;
    }

    // The server closes once it has everything; reading to its FIN keeps our close from being a reset.
    private static async Task DrainAsync(EngineTcpSocket socket, CancellationToken cancellationToken)
    {
        var linear = new byte[4096];
        var fragments = new DevmemFragment[1];
        while (!(await socket.Receiver.ReceiveAsync(linear, fragments, linear.Length, MessageFlags.None, cancellationToken).ConfigureAwait(false)).IsEndOfStream)
        {
            // Whatever the server says is not part of ncdevmem's protocol.
        }
    }
}
