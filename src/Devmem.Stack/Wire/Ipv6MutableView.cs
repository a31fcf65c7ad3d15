using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, writable view of an IPv6 fixed header: the fields of <see cref="Ipv6View"/> with
/// setters that write in place. No checks are made.
/// </summary>
public readonly ref struct Ipv6MutableView
{
    private readonly Span<byte> _buffer;

    /// <summary>Wraps <paramref name="packet"/> without validating it.</summary>
    public Ipv6MutableView(Span<byte> packet) => _buffer = packet;

    /// <summary>The read-only view of the same bytes.</summary>
    public Ipv6View AsReadOnly() => new(_buffer);

    /// <summary>The read-only view of the same bytes.</summary>
    public static implicit operator Ipv6View(Ipv6MutableView view) => view.AsReadOnly();

    /// <summary>The bytes under the view.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Version (4 bits).</summary>
    public int Version
    {
        get => AsReadOnly().Version;
        set => FirstWord = (FirstWord & 0x0FFF_FFFF) | ((uint)(value & 0xF) << 28);
    }

    /// <summary>Traffic Class.</summary>
    public byte TrafficClass
    {
        get => AsReadOnly().TrafficClass;
        set => FirstWord = (FirstWord & 0xF00F_FFFF) | ((uint)value << 20);
    }

    /// <summary>Flow Label (20 bits; higher bits are dropped).</summary>
    public uint FlowLabel
    {
        get => AsReadOnly().FlowLabel;
        set => FirstWord = (FirstWord & 0xFFF0_0000) | (value & 0x000F_FFFF);
    }

    /// <summary>Payload Length.</summary>
    public ushort PayloadLength
    {
        get => AsReadOnly().PayloadLength;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(Ipv6View.PayloadLengthOffset), value);
    }

    /// <summary>Next Header.</summary>
    public IpProtocol NextHeader
    {
        get => (IpProtocol)_buffer[Ipv6View.NextHeaderOffset];
        set => _buffer[Ipv6View.NextHeaderOffset] = (byte)value;
    }

    /// <summary>Hop Limit.</summary>
    public byte HopLimit
    {
        get => _buffer[Ipv6View.HopLimitOffset];
        set => _buffer[Ipv6View.HopLimitOffset] = value;
    }

    /// <summary>Source Address.</summary>
    public Ipv6Address Source
    {
        get => AsReadOnly().Source;
        set => value.CopyTo(_buffer.Slice(Ipv6View.SourceOffset));
    }

    /// <summary>Destination Address.</summary>
    public Ipv6Address Destination
    {
        get => AsReadOnly().Destination;
        set => value.CopyTo(_buffer.Slice(Ipv6View.DestinationOffset));
    }

    /// <summary>The payload: bytes 40..40 + Payload Length.</summary>
    public Span<byte> Payload => _buffer.Slice(Ipv6View.HeaderLength, PayloadLength);

    private uint FirstWord
    {
        get => AsReadOnly().FirstWord;
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(Ipv6View.VersionClassFlowOffset), value);
    }
}
