using System.Net;
using System.Net.Sockets;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// A kernel TCP echo server inside the test's namespace: one connection, everything read is written back,
/// until the client shuts down its side; then it closes.
/// </summary>
internal sealed class KernelEchoServer : IDisposable
{
    private readonly Socket _listener;

    public KernelEchoServer(InteropNamespace ns, bool ipv6, ushort port, CancellationToken cancellationToken)
    {
        IPAddress address = InteropEngine.KernelAddress(ipv6);
        _listener = ns.Run(() => new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        _listener.Bind(new IPEndPoint(address, port));
        _listener.Listen(1);
        EndPoint = new IPEndPoint(address, port);
        Serving = Task.Run(() => ServeAsync(cancellationToken), cancellationToken);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Completes with the bytes echoed once the client has shut down and the echo is closed.</summary>
    public Task<long> Serving { get; }

    public void Dispose() => _listener.Dispose();

    private async Task<long> ServeAsync(CancellationToken cancellationToken)
    {
        using Socket connection = await _listener.AcceptAsync(cancellationToken);
        connection.NoDelay = true;
        var buffer = new byte[256 * 1024];
        long echoed = 0;
        while (true)
        {
            int read = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                connection.Shutdown(SocketShutdown.Send);
                return echoed;
            }

            for (int sent = 0; sent < read;)
            {
                sent += await connection.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, cancellationToken);
            }

            echoed += read;
        }
    }
}
