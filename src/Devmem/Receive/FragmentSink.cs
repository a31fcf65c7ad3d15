using Devmem.Uapi;

namespace Devmem.Receive;

/// <summary>
/// The typed face of recvmsg: readable and linear bytes go to the caller's buffer; each devmem record (a linear
/// record naming where its bytes went, or a device fragment) takes one slot of the caller's span, in stream
/// order, as each cmsg takes 40 bytes of a control buffer. Running out of slots plays the part of a full
/// control buffer (ETOOSMALL).
/// </summary>
internal ref struct FragmentSink : IReceiveSink
{
    private readonly Span<byte> _linear;
    private readonly Span<DevmemFragment> _fragments;

    public FragmentSink(Span<byte> linear, Span<DevmemFragment> fragments)
    {
        _linear = linear;
        _fragments = fragments;
        LinearBytes = 0;
        FragmentCount = 0;
    }

    public int LinearBytes { get; private set; }

    public int FragmentCount { get; private set; }

    public readonly int BufferRoom => _linear.Length - LinearBytes;

    public readonly bool CanPutFragment => FragmentCount < _fragments.Length;

    public readonly int FragmentRoom => _fragments.Length - FragmentCount;

    public void PutReadable(ReadOnlySpan<byte> data)
    {
        data.CopyTo(_linear[LinearBytes..]);
        LinearBytes += data.Length;
    }

    public Errno PutLinear(ReadOnlySpan<byte> data)
    {
        if (!CanPutFragment)
        {
            return Errno.ETOOSMALL;
        }

        _fragments[FragmentCount++] = DevmemFragment.Linear(LinearBytes, data.Length);
        PutReadable(data);
        return Errno.None;
    }

    public void PutFragment(in DevmemFragment fragment) => _fragments[FragmentCount++] = fragment;
}
