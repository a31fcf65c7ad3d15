using System.Runtime.InteropServices;
using Devmem.Uapi;

namespace Devmem.Kernel.Netlink;

/// <summary>
/// Walks the messages of one received datagram as <c>NLMSG_OK</c>/<c>NLMSG_NEXT</c> do, but a header
/// cut short or an <c>nlmsg_len</c> outside <c>[NLMSG_HDRLEN, remaining]</c> stops the walk with
/// <see cref="Error"/> = <see cref="Errno.EINVAL"/> instead of being trusted.
/// </summary>
public ref struct NetlinkMessageReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public NetlinkMessageReader(ReadOnlySpan<byte> datagram)
    {
        _buffer = datagram;
        _position = 0;
        Error = Errno.None;
    }

    /// <summary><see cref="Errno.None"/>, or <see cref="Errno.EINVAL"/> once a malformed message was met.</summary>
    public Errno Error { get; private set; }

    /// <summary>Offset of the next message (of the malformed one when <see cref="Error"/> is set).</summary>
    public readonly int Position => _position;

    /// <summary>Whether messages may remain.</summary>
    public readonly bool HasMore => Error == Errno.None && _position < _buffer.Length;

    /// <summary>Reads the next message; false at the end or on a malformed one (see <see cref="Error"/>).</summary>
    public bool TryRead(out NetlinkMessage message)
    {
        message = default;
        if (!HasMore)
        {
            return false;
        }

        int remaining = _buffer.Length - _position;
        ReadOnlySpan<byte> at = _buffer[_position..];
        if (remaining < NetlinkMessageHeader.Size)
        {
            Error = Errno.EINVAL;
            return false;
        }

        NetlinkMessageHeader header = MemoryMarshal.Read<NetlinkMessageHeader>(at);
        if (header.Length < NetlinkMessageHeader.Size || header.Length > (uint)remaining)
        {
            Error = Errno.EINVAL;
            return false;
        }

        int length = (int)header.Length;
        message = new NetlinkMessage(header, at[NetlinkMessageHeader.Size..length]);
        _position += Math.Min(NetlinkMessageHeader.Align(length), remaining);
        return true;
    }
}
