using Devmem.Receive;
using Devmem.Uapi;

namespace Devmem.Cli.Transfer;

/// <summary>A user-space engine connection's receive queue as an <see cref="IDevmemSource"/>.</summary>
internal sealed class EngineDevmemSource(DevmemReceiver receiver) : IDevmemSource
{
    public ValueTask<DevmemReceiveResult> ReceiveAsync(Memory<byte> linear, Memory<DevmemFragment> fragments, int maxBytes, CancellationToken cancellationToken) =>
        receiver.ReceiveAsync(linear, fragments, maxBytes, MessageFlags.SockDevmem, cancellationToken);

    public int ReturnTokens(ReadOnlySpan<DmabufToken> tokens) => receiver.ReturnTokens(tokens);
}
