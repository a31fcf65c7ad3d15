using System.Net;
using System.Net.Sockets;

namespace Devmem.Cli.Ncdevmem;

/// <summary>
/// ncdevmem's client on a kernel TCP socket (<c>--engine kernel</c>): bound to <c>-c</c>, it sends its input
/// in writes of at most <c>-z</c> bytes, shuts down its side, waits for the server to close, and says
/// <c>ncdevmem: tx ok</c>. The bytes go from host memory (devmem TX with a bound dma-buf is not wired here).
/// </summary>
internal sealed class KernelNcdevmemClient(IPAddress local, TextWriter log)
{
    /// <summary>Sends <paramref name="input"/> to <paramref name="server"/> in writes of at most <paramref name="maxChunk"/> bytes (0: no limit).</summary>
    public async Task<long> RunAsync(IPEndPoint server, Stream input, int maxChunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(input);
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(local, 0));
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        long sent = await InputChunks.SendAllAsync(input, maxChunk, async (data, token) =>
        {
            for (int done = 0; done < data.Length;)
            {
                done += await socket.SendAsync(data[done..], token).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
        var buffer = new byte[4096];
        while (await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
            // Whatever the server says is not part of ncdevmem's protocol; its close is the end.
        }

        log.WriteLine("ncdevmem: tx ok");
        return sent;
    }
}
