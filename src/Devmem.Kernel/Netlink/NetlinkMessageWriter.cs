using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Devmem.Kernel.Netlink;

/// <summary>
/// Builds one netlink request in a buffer that is kept and reused from request to request: the header, a
/// family header, then attributes laid out as <c>nla_put</c> does (header, payload, zeroed padding to 4
/// bytes). Nests are opened and closed like <c>nla_nest_start</c>/<c>nla_nest_end</c> and always carry
/// <c>NLA_F_NESTED</c>, which strictly validated families (netdev among them) require.
/// </summary>
/// <remarks>Putting attributes allocates nothing; the buffer only grows, by doubling, when a request outgrows it.</remarks>
public sealed class NetlinkMessageWriter
{
    private byte[] _buffer;
    private int _length;
    private int _messageStart = -1;

    public NetlinkMessageWriter(int initialCapacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialCapacity, NetlinkMessageHeader.Size);
        _buffer = new byte[initialCapacity];
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>Starts a new request, discarding the previous one: a header with the length still to be filled.</summary>
    public void BeginMessage(ushort type, ushort flags)
    {
        _length = 0;
        _messageStart = 0;
        Write(new NetlinkMessageHeader(0, type, flags, 0, 0));
    }

    /// <summary>Sets <c>nlmsg_len</c> and <c>nlmsg_seq</c>; the message is then complete in <see cref="Written"/>.</summary>
    public void EndMessage(uint sequence)
    {
        if (_messageStart < 0)
        {
            throw new InvalidOperationException("EndMessage without BeginMessage.");
        }

        Span<byte> header = _buffer.AsSpan(_messageStart);
        NetlinkMessageHeader current = MemoryMarshal.Read<NetlinkMessageHeader>(header);
        MemoryMarshal.Write(header, current with { Length = (uint)(_length - _messageStart), Sequence = sequence });
        _messageStart = -1;
    }

    /// <summary>Appends a fixed family header (e.g. <c>struct genlmsghdr</c>), padded to 4 bytes.</summary>
    public void Write<T>(in T value)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in Unsafe.AsRef(in value)));
        Span<byte> at = Reserve(NetlinkMessageHeader.Align(bytes.Length));
        bytes.CopyTo(at);
        at[bytes.Length..].Clear();
    }

    /// <summary>Appends an attribute with the given payload.</summary>
    public void PutAttribute(ushort type, ReadOnlySpan<byte> payload)
    {
        Span<byte> at = ReserveAttribute(type, payload.Length);
        payload.CopyTo(at);
    }

    /// <summary>Appends an <c>NLA_U8</c>.</summary>
    public void PutU8(ushort type, byte value) => PutValue(type, value);

    /// <summary>Appends an <c>NLA_U16</c>.</summary>
    public void PutU16(ushort type, ushort value) => PutValue(type, value);

    /// <summary>Appends an <c>NLA_U32</c>.</summary>
    public void PutU32(ushort type, uint value) => PutValue(type, value);

    /// <summary>Appends an <c>NLA_S32</c>.</summary>
    public void PutS32(ushort type, int value) => PutValue(type, value);

    /// <summary>Appends an <c>NLA_U64</c>.</summary>
    public void PutU64(ushort type, ulong value) => PutValue(type, value);

    /// <summary>Appends an <c>NLA_NUL_STRING</c>: the UTF-8 bytes and a terminating NUL.</summary>
    public void PutString(ushort type, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int length = Encoding.UTF8.GetByteCount(value);
        Span<byte> at = ReserveAttribute(type, length + 1);
        Encoding.UTF8.GetBytes(value, at);
        at[length] = 0;
    }

    /// <summary>Opens a nest (<c>nla_nest_start</c>); returns the token <see cref="EndNested"/> takes.</summary>
    public int BeginNested(ushort type)
    {
        int start = _length;
        ReserveAttribute((ushort)(type | NetlinkAttribute.NestedFlag), 0);
        return start;
    }

    /// <summary>Closes the nest opened at <paramref name="start"/> (<c>nla_nest_end</c>): its length now covers its attributes.</summary>
    public void EndNested(int start)
    {
        if ((uint)start > (uint)(_length - NetlinkAttribute.HeaderSize))
        {
            throw new ArgumentOutOfRangeException(nameof(start), "not a nest opened in this message.");
        }

        int length = _length - start;
        if (length > ushort.MaxValue)
        {
            throw new InvalidOperationException($"nest of {length} bytes exceeds the 65535 an nla_len can hold.");
        }

        MemoryMarshal.Write(_buffer.AsSpan(start), (ushort)length);
    }

    private void PutValue<T>(ushort type, T value)
        where T : unmanaged
    {
        Span<byte> at = ReserveAttribute(type, Unsafe.SizeOf<T>());
        MemoryMarshal.Write(at, in value);
    }

    /// <summary>Writes an attribute header and zeroed padding; returns the payload span to fill.</summary>
    private Span<byte> ReserveAttribute(ushort rawType, int payloadLength)
    {
        int length = NetlinkAttribute.HeaderSize + payloadLength;
        if (length > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadLength), $"attribute of {length} bytes exceeds the 65535 an nla_len can hold.");
        }

        Span<byte> at = Reserve(NetlinkAttribute.Align(length));
        MemoryMarshal.Write(at, (ushort)length);
        MemoryMarshal.Write(at[2..], rawType);
        at[length..].Clear();
        return at[NetlinkAttribute.HeaderSize..length];
    }

    private Span<byte> Reserve(int count)
    {
        if (_messageStart < 0)
        {
            throw new InvalidOperationException("BeginMessage first.");
        }

        int needed = _length + count;
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }

        Span<byte> at = _buffer.AsSpan(_length, count);
        _length = needed;
        return at;
    }
}
