using System.Runtime.InteropServices;

namespace Devmem.Uapi;

/// <summary>
/// Walks a control buffer as <c>CMSG_FIRSTHDR</c>/<c>CMSG_NXTHDR</c> do, over exactly the
/// <c>msg_controllen</c> bytes recvmsg reported. Unlike the C macros it never trusts a length: a
/// <c>cmsg_len</c> smaller than the header or running past the buffer, or stray bytes too few for a header,
/// stop the walk with <see cref="Error"/> = <see cref="Errno.EINVAL"/> instead of reading out of bounds.
/// </summary>
public ref struct ControlMessageReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public ControlMessageReader(ReadOnlySpan<byte> control)
    {
        _buffer = control;
        _position = 0;
        Error = Errno.None;
    }

    /// <summary><see cref="Errno.None"/>, or <see cref="Errno.EINVAL"/> once a malformed message was met.</summary>
    public Errno Error { get; private set; }

    /// <summary>Offset of the malformed message when <see cref="Error"/> is set (for the error message).</summary>
    public readonly int Position => _position;

    /// <summary>Reads the next message; false at the end of the buffer or on a malformed one (see <see cref="Error"/>).</summary>
    public bool TryRead(out ControlMessage message)
    {
        message = default;
        if (Error != Errno.None)
        {
            return false;
        }

        int remaining = _buffer.Length - _position;
        if (remaining == 0)
        {
            return false;
        }

        if (remaining < CmsgLayout.HeaderSize)
        {
            Error = Errno.EINVAL;
            return false;
        }

        ReadOnlySpan<byte> at = _buffer[_position..];
        ulong length = MemoryMarshal.Read<ulong>(at);
        if (length < CmsgLayout.HeaderSize || length > (ulong)remaining)
        {
            Error = Errno.EINVAL;
            return false;
        }

        int messageLength = (int)length;
        message = new ControlMessage(
            MemoryMarshal.Read<int>(at[8..]),
            MemoryMarshal.Read<int>(at[12..]),
            at[CmsgLayout.HeaderSize..messageLength]);

        // CMSG_NXTHDR: the next header starts CMSG_ALIGN(cmsg_len) further on; the last message of a
        // buffer may lack its padding (the kernel advances by min(CMSG_SPACE, remaining)).
        _position += Math.Min(CmsgLayout.Align(messageLength), remaining);
        return true;
    }
}
