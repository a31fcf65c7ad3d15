using Devmem.Uapi;

namespace Devmem.Cli.Transfer;

/// <summary>
/// The two calls a devmem reader makes, whichever engine is underneath: <c>recvmsg(MSG_SOCK_DEVMEM)</c> in its
/// typed form, and <c>SO_DEVMEM_DONTNEED</c>. The user-space engine's <c>DevmemReceiver</c> and the kernel
/// engine's <c>KernelDevmemSocket</c> each get an adapter.
/// </summary>
internal interface IDevmemSource
{
    /// <summary>One devmem receive, waiting for data; a result of 0 bytes is the end of the stream.</summary>
    ValueTask<DevmemReceiveResult> ReceiveAsync(Memory<byte> linear, Memory<DevmemFragment> fragments, int maxBytes, CancellationToken cancellationToken);

    /// <summary>Gives tokens back; returns how many the engine accepted.</summary>
    int ReturnTokens(ReadOnlySpan<DmabufToken> tokens);
}
