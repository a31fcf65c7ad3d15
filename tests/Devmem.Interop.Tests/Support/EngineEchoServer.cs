using Devmem.Memory;
using Devmem.Stack.Sockets;
using Devmem.Uapi;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// An echo server on our engine, the devmem way: each accepted connection is read through the typed devmem
/// receive, the bytes are copied out of the dma-buf (or the linear buffer) into a send, tokens go back, and at
/// the client's end of stream we close our side. Serves <c>connections</c> connections, each on its own task.
/// </summary>
internal static class EngineEchoServer
{
    /// <summary>Accepts and echoes <paramref name="connections"/> connections; completes when every one has closed.</summary>
    public static async Task ServeAsync(EngineTcpListener listener, DmaBuf dmaBuf, int connections, CancellationToken cancellationToken)
    {
        var serving = new List<Task>(connections);
        for (int i = 0; i < connections; i++)
        {
            EngineTcpSocket socket = await listener.AcceptAsync(cancellationToken);
            serving.Add(Task.Run(() => EchoAsync(socket, dmaBuf, cancellationToken), cancellationToken));
        }

        await Task.WhenAll(serving);
    }

    private static async Task EchoAsync(EngineTcpSocket socket, DmaBuf dmaBuf, CancellationToken cancellationToken)
    {
        using (socket)
        {
            var linear = new byte[4096];
            var fragments = new DevmemFragment[64];
            var tokens = new DmabufToken[64];
            while (true)
            {
                DevmemReceiveResult result = await socket.Receiver.ReceiveAsync(linear, fragments, linear.Length, MessageFlags.SockDevmem, cancellationToken);
                if (result.IsEndOfStream)
                {
                    break;
                }

                byte[] echo = new byte[result.Bytes];
                int length = 0;
                int returned = 0;
                foreach (DevmemFragment fragment in fragments.AsSpan(0, result.FragmentCount))
                {
                    ReadOnlySpan<byte> bytes = fragment.IsLinear
                        ? linear.AsSpan((int)fragment.Offset, (int)fragment.Size)
                        : dmaBuf.GetSpan((long)fragment.Offset, (int)fragment.Size);
                    bytes.CopyTo(echo.AsSpan(length));
                    length += bytes.Length;
                    if (!fragment.IsLinear)
                    {
                        tokens[returned++] = DmabufToken.One(fragment.Token);
                    }
                }

                Assert.Equal(returned, socket.Receiver.ReturnTokens(tokens.AsSpan(0, returned)));
                await socket.SendAsync(echo, cancellationToken);
            }

            socket.ShutdownSend();
            await socket.Closed.WaitAsync(cancellationToken);
        }
    }
}
