using Devmem.Uapi;

namespace Devmem.Receive;

/// <summary>
/// The byte-level face of recvmsg: readable and linear bytes go to the iov buffer, and each devmem record
/// becomes a control message in the exact Linux layout (or the seed's, see <see cref="DevmemCmsgLayout"/>).
/// </summary>
internal ref struct MessageSink : IReceiveSink
{
    private readonly Span<byte> _buffer;
    private readonly DevmemCmsgLayout _layout;
    private ControlMessageWriter _control;
    private int _written;

    public MessageSink(Span<byte> buffer, Span<byte> control, DevmemCmsgLayout layout)
    {
        _buffer = buffer;
        _control = new ControlMessageWriter(control);
        _layout = layout;
        _written = 0;
    }

    /// <summary>The <c>msg_controllen</c> to report.</summary>
    public readonly int ControlLength => _control.Written;

    public readonly int BufferRoom => _buffer.Length - _written;

    private readonly int RecordSize => _layout == DevmemCmsgLayout.Upstream ? DmabufCmsg.Size : RfcV3CmsgDevmem.Size;

    public readonly bool CanPutFragment => _control.CanWrite(RecordSize);

    public readonly int FragmentRoom
    {
        get
        {
            int remaining = _control.Remaining;
            return remaining < CmsgLayout.Len(RecordSize) ? 0 : 1 + ((remaining - CmsgLayout.Len(RecordSize)) / CmsgLayout.Space(RecordSize));
        }
    }

    public void PutReadable(ReadOnlySpan<byte> data)
    {
        data.CopyTo(_buffer[_written..]);
        _written += data.Length;
    }

    public Errno PutLinear(ReadOnlySpan<byte> data)
    {
        // put_cmsg_notrunc is checked here before the copy; upstream copies first and then fails, which
        // leaves bytes past the returned count in the buffer. Either way the caller sees the same result.
        if (!CanPutFragment)
        {
            return Errno.ETOOSMALL;
        }

        data.CopyTo(_buffer[_written..]);
        _written += data.Length;
        Errno written = _layout == DevmemCmsgLayout.Upstream
            ? _control.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemLinear, new DmabufCmsg(0, (uint)data.Length, 0, 0, 0))
            : _control.Write(DevmemUapi.SolSocket, DevmemUapi.RfcV3SoDevmemHeader, new RfcV3CmsgDevmem(0, (uint)data.Length, 0));
        return written;
    }

    public void PutFragment(in DevmemFragment fragment)
    {
        Errno written = _layout == DevmemCmsgLayout.Upstream
            ? _control.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, new DmabufCmsg(fragment.Offset, fragment.Size, fragment.Token, fragment.DmabufId, 0))
            : _control.Write(DevmemUapi.SolSocket, DevmemUapi.RfcV3SoDevmemOffset, new RfcV3CmsgDevmem(fragment.Offset, fragment.Size, fragment.Token));
        if (written != Errno.None)
        {
            throw new InvalidOperationException("PutFragment without room: the caller must check CanPutFragment");
        }
    }
}
