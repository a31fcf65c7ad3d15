using Devmem.Uapi;

namespace Devmem.Receive;

/// <summary>
/// Where one receive delivers: the single receive algorithm (<see cref="DevmemReceiver"/>) writes through
/// this, and its two implementations are the two faces of recvmsg: Linux's byte layout
/// (<see cref="MessageSink"/>) and typed fragments (<see cref="FragmentSink"/>).
/// </summary>
internal interface IReceiveSink
{
    /// <summary>Bytes the ordinary buffer can still take.</summary>
    int BufferRoom { get; }

    /// <summary>Copies readable bytes into the ordinary buffer (no cmsg). <paramref name="data"/> fits in <see cref="BufferRoom"/>.</summary>
    void PutReadable(ReadOnlySpan<byte> data);

    /// <summary>
    /// Copies the linear part of an unreadable skb and records it (SCM_DEVMEM_LINEAR). <paramref name="data"/>
    /// fits in <see cref="BufferRoom"/>. Returns <see cref="Errno.ETOOSMALL"/>, having written nothing, when
    /// the record does not fit.
    /// </summary>
    Errno PutLinear(ReadOnlySpan<byte> data);

    /// <summary>Whether one more fragment record (SCM_DEVMEM_DMABUF) fits.</summary>
    bool CanPutFragment { get; }

    /// <summary>Records one device-memory fragment; call only after <see cref="CanPutFragment"/>.</summary>
    void PutFragment(in DevmemFragment fragment);

    /// <summary>How many more fragments fit, to size the token reservation (at least 1 when <see cref="CanPutFragment"/>).</summary>
    int FragmentRoom { get; }
}
