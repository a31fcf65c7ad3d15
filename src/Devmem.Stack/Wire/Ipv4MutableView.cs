using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, writable view of an IPv4 packet: the fields of <see cref="Ipv4View"/> with setters
/// that write in place, and <see cref="FillChecksum"/>. No checks are made. After changing header
/// fields, refill the checksum (or update it with <see cref="InternetChecksum.Update"/>).
/// </summary>
public readonly ref struct Ipv4MutableView
{
    private readonly Span<byte> _buffer;

    /// <summary>Wraps <paramref name="packet"/> without validating it.</summary>
    public Ipv4MutableView(Span<byte> packet) => _buffer = packet;

    /// <summary>The read-only view of the same bytes.</summary>
    public Ipv4View AsReadOnly() => new(_buffer);

    /// <summary>The read-only view of the same bytes.</summary>
    public static implicit operator Ipv4View(Ipv4MutableView view) => view.AsReadOnly();

    /// <summary>The bytes under the view.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Version (4 bits).</summary>
    public int Version
    {
        get => AsReadOnly().Version;
        set => _buffer[Ipv4View.VersionIhlOffset] = (byte)((value << 4) | (_buffer[Ipv4View.VersionIhlOffset] & 0x0F));
    }

    /// <summary>Header length in bytes (a multiple of 4, 20..60), stored as IHL.</summary>
    public int HeaderLength
    {
        get => AsReadOnly().HeaderLength;
        set => _buffer[Ipv4View.VersionIhlOffset] = (byte)((_buffer[Ipv4View.VersionIhlOffset] & 0xF0) | ((value / 4) & 0x0F));
    }

    /// <summary>DSCP (6 bits).</summary>
    public byte Dscp
    {
        get => AsReadOnly().Dscp;
        set => _buffer[Ipv4View.TosOffset] = (byte)((value << 2) | (_buffer[Ipv4View.TosOffset] & 0x03));
    }

    /// <summary>ECN (2 bits).</summary>
    public byte Ecn
    {
        get => AsReadOnly().Ecn;
        set => _buffer[Ipv4View.TosOffset] = (byte)((_buffer[Ipv4View.TosOffset] & 0xFC) | (value & 0x03));
    }

    /// <summary>Total Length.</summary>
    public ushort TotalLength
    {
        get => AsReadOnly().TotalLength;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(Ipv4View.TotalLengthOffset), value);
    }

    /// <summary>Identification.</summary>
    public ushort Identification
    {
        get => AsReadOnly().Identification;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(Ipv4View.IdentificationOffset), value);
    }

    /// <summary>Flags and Fragment Offset as stored.</summary>
    public ushort FlagsAndFragmentOffset
    {
        get => AsReadOnly().FlagsAndFragmentOffset;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(Ipv4View.FlagsFragmentOffset), value);
    }

    /// <summary>Don't Fragment.</summary>
    public bool DontFragment
    {
        get => AsReadOnly().DontFragment;
        set => FlagsAndFragmentOffset = SetBits(FlagsAndFragmentOffset, Ipv4View.DontFragmentBit, value);
    }

    /// <summary>More Fragments.</summary>
    public bool MoreFragments
    {
        get => AsReadOnly().MoreFragments;
        set => FlagsAndFragmentOffset = SetBits(FlagsAndFragmentOffset, Ipv4View.MoreFragmentsBit, value);
    }

    /// <summary>Fragment Offset in bytes (stored in 8-byte units; the low 3 bits are dropped).</summary>
    public int FragmentOffset
    {
        get => AsReadOnly().FragmentOffset;
        set => FlagsAndFragmentOffset = (ushort)((FlagsAndFragmentOffset & ~Ipv4View.FragmentOffsetMask)
            | ((value / 8) & Ipv4View.FragmentOffsetMask));
    }

    /// <summary>Time to Live.</summary>
    public byte Ttl
    {
        get => _buffer[Ipv4View.TtlOffset];
        set => _buffer[Ipv4View.TtlOffset] = value;
    }

    /// <summary>Protocol.</summary>
    public IpProtocol Protocol
    {
        get => (IpProtocol)_buffer[Ipv4View.ProtocolOffset];
        set => _buffer[Ipv4View.ProtocolOffset] = (byte)value;
    }

    /// <summary>Header Checksum.</summary>
    public ushort Checksum
    {
        get => AsReadOnly().Checksum;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(Ipv4View.ChecksumOffset), value);
    }

    /// <summary>Source Address.</summary>
    public Ipv4Address Source
    {
        get => AsReadOnly().Source;
        set => value.CopyTo(_buffer.Slice(Ipv4View.SourceOffset));
    }

    /// <summary>Destination Address.</summary>
    public Ipv4Address Destination
    {
        get => AsReadOnly().Destination;
        set => value.CopyTo(_buffer.Slice(Ipv4View.DestinationOffset));
    }

    /// <summary>The options area, bytes 20..IHL*4.</summary>
    public Span<byte> Options => _buffer.Slice(Ipv4View.MinHeaderLength, HeaderLength - Ipv4View.MinHeaderLength);

    /// <summary>The data: bytes IHL*4..Total Length.</summary>
    public Span<byte> Payload => _buffer.Slice(HeaderLength, TotalLength - HeaderLength);

    /// <summary>Computes and stores the header checksum over IHL*4 bytes.</summary>
    public void FillChecksum()
    {
        Checksum = 0;
        Checksum = InternetChecksum.Compute(_buffer.Slice(0, HeaderLength));
    }

    private static ushort SetBits(ushort word, ushort bits, bool on) => (ushort)(on ? word | bits : word & ~bits);
}
