namespace Devmem.Cli.Transfer;

/// <summary>
/// What a <see cref="DevmemStreamConsumer"/> saw, call by call and fragment by fragment: ncdevmem's server
/// prints these as its per-call and per-frag lines.
/// </summary>
internal interface IReceiveTrace
{
    /// <summary>One receive returned <paramref name="bytes"/> (0: the peer closed).</summary>
    void Call(int bytes);

    /// <summary>A linear record (ncdevmem's <c>SCM_DEVMEM_LINEAR</c>) of <paramref name="size"/> bytes.</summary>
    void Linear(uint size);

    /// <summary>A device fragment (ncdevmem's <c>SCM_DEVMEM_DMABUF</c>), with the device bytes received so far.</summary>
    void Fragment(in DevmemFragment fragment, long deviceBytes);

    /// <summary>The receive's fragments are all handled.</summary>
    void CallDone(long deviceBytes);
}
