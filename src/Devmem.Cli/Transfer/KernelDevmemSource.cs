using System.Net.Sockets;
using Devmem.Kernel.Sockets;
using Devmem.Uapi;

namespace Devmem.Cli.Transfer;

/// <summary>
/// A kernel socket's devmem receive as an <see cref="IDevmemSource"/>. The kernel's recvmsg blocks, so each
/// receive runs on a pool thread; cancelling shuts the socket down, which is what wakes a blocked recvmsg.
/// </summary>
internal sealed class KernelDevmemSource(KernelDevmemSocket devmem, Socket socket) : IDevmemSource
{
    public async ValueTask<DevmemReceiveResult> ReceiveAsync(Memory<byte> linear, Memory<DevmemFragment> fragments, int maxBytes, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(() => socket.Shutdown(SocketShutdown.Both)))
        {
            DevmemReceiveResult result = await Task.Run(() => devmem.Receive(linear.Span, fragments.Span, maxBytes, MessageFlags.SockDevmem), CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return result;
        }
    }

    public int ReturnTokens(ReadOnlySpan<DmabufToken> tokens) => devmem.ReturnTokens(tokens);
}
