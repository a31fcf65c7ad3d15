using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Devmem.Uapi;

/// <summary>
/// Writes control messages into a caller's control buffer the way the kernel's <c>put_cmsg</c> lays them
/// out (header in host byte order, data, then the cursor advances by <c>min(CMSG_SPACE, remaining)</c>),
/// with the devmem rule instead of put_cmsg's truncation: a message that does not fit whole is refused
/// with <see cref="Errno.ETOOSMALL"/> and nothing is written ("Fixed issue with put_cmsg() failing silently",
/// RFC v3). Padding bytes are left untouched, as the kernel leaves them.
/// </summary>
public ref struct ControlMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _written;

    public ControlMessageWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _written = 0;
    }

    /// <summary>Bytes of the control buffer used so far: the <c>msg_controllen</c> recvmsg reports.</summary>
    public readonly int Written => _written;

    /// <summary>Bytes still free.</summary>
    public readonly int Remaining => _buffer.Length - _written;

    /// <summary>Whether a message with <paramref name="dataLength"/> bytes of data fits without truncation.</summary>
    public readonly bool CanWrite(int dataLength) => Remaining >= CmsgLayout.Len(dataLength);

    /// <summary>Appends one control message, or returns <see cref="Errno.ETOOSMALL"/> having written nothing.</summary>
    public Errno Write(int level, int type, ReadOnlySpan<byte> data)
    {
        if (!CanWrite(data.Length))
        {
            return Errno.ETOOSMALL;
        }

        Span<byte> at = _buffer[_written..];
        MemoryMarshal.Write(at, (ulong)CmsgLayout.Len(data.Length));
        MemoryMarshal.Write(at[8..], level);
        MemoryMarshal.Write(at[12..], type);
        data.CopyTo(at[CmsgLayout.HeaderSize..]);
        _written += Math.Min(CmsgLayout.Space(data.Length), at.Length);
        return Errno.None;
    }

    /// <summary>Appends one control message whose data is the bytes of <paramref name="value"/>.</summary>
    public Errno Write<T>(int level, int type, in T value)
        where T : unmanaged =>
        Write(level, type, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in Unsafe.AsRef(in value))));
}
