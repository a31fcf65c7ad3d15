using System.Runtime.InteropServices;
using Devmem.Uapi;

namespace Devmem.Kernel.Netlink;

/// <summary>
/// Walks a list of netlink attributes as <c>nla_for_each_attr</c> does, over exactly the bytes given.
/// Unlike <c>nla_ok</c>, which silently stops, an attribute shorter than its header, one whose
/// <c>nla_len</c> runs past the buffer, or stray bytes too few for a header stop the walk with
/// <see cref="Error"/> = <see cref="Errno.EINVAL"/>: nothing is ever read out of bounds, and a truncated
/// reply is not mistaken for a complete one.
/// </summary>
public ref struct NetlinkAttributeReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _buffer = attributes;
        _position = 0;
        Error = Errno.None;
    }

    /// <summary><see cref="Errno.None"/>, or <see cref="Errno.EINVAL"/> once a malformed attribute was met.</summary>
    public Errno Error { get; private set; }

    /// <summary>Offset of the next attribute (of the malformed one when <see cref="Error"/> is set).</summary>
    public readonly int Position => _position;

    /// <summary>Reads the next attribute; false at the end or on a malformed one (see <see cref="Error"/>).</summary>
    public bool TryRead(out NetlinkAttribute attribute)
    {
        attribute = default;
        if (Error != Errno.None)
        {
            return false;
        }

        int remaining = _buffer.Length - _position;
        if (remaining == 0)
        {
            return false;
        }

        if (remaining < NetlinkAttribute.HeaderSize)
        {
            Error = Errno.EINVAL;
            return false;
        }

        ReadOnlySpan<byte> at = _buffer[_position..];
        int length = MemoryMarshal.Read<ushort>(at);
        if (length < NetlinkAttribute.HeaderSize || length > remaining)
        {
            Error = Errno.EINVAL;
            return false;
        }

        attribute = new NetlinkAttribute(MemoryMarshal.Read<ushort>(at[2..]), at[NetlinkAttribute.HeaderSize..length]);

        // The last attribute of a message may lack its padding.
        _position += Math.Min(NetlinkAttribute.Align(length), remaining);
        return true;
    }

    /// <summary>Throws <see cref="Errno.EPROTO"/> naming <paramref name="what"/> if the walk met a malformed attribute.</summary>
    public readonly void ThrowIfMalformed(string what)
    {
        if (Error != Errno.None)
        {
            throw new DevmemException(
                Errno.EPROTO,
                $"{what}: malformed netlink attribute at byte {_position} (length below its 4-byte header or past the message end); the message was truncated or is not netlink.");
        }
    }
}
