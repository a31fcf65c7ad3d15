using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, read-only view of an IPv4 packet (RFC 791 §3.1, "Internet Header Format"). The
/// buffer may be longer than Total Length (Ethernet padding); <see cref="Payload"/> stops at Total
/// Length. <see cref="Ipv4MutableView"/> writes.
/// </summary>
/// <remarks>
/// The constructor does no checks: use <see cref="TryCreate(ReadOnlySpan{byte}, out Ipv4View, out WireParseError)"/> for input from the wire, after which
/// every accessor stays in bounds (on a short buffer an accessor throws rather than read past it).
/// </remarks>
public readonly ref struct Ipv4View
{
    /// <summary>Length of a header without options (IHL 5).</summary>
    public const int MinHeaderLength = 20;

    /// <summary>Length of a header with the most options (IHL 15).</summary>
    public const int MaxHeaderLength = 60;

    /// <summary>Offset of the Header Checksum field.</summary>
    public const int ChecksumOffset = 10;

    internal const int VersionIhlOffset = 0;
    internal const int TosOffset = 1;
    internal const int TotalLengthOffset = 2;
    internal const int IdentificationOffset = 4;
    internal const int FlagsFragmentOffset = 6;
    internal const int TtlOffset = 8;
    internal const int ProtocolOffset = 9;
    internal const int SourceOffset = 12;
    internal const int DestinationOffset = 16;

    internal const ushort DontFragmentBit = 0x4000;
    internal const ushort MoreFragmentsBit = 0x2000;
    internal const ushort FragmentOffsetMask = 0x1FFF;

    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>Wraps <paramref name="packet"/> without validating it.</summary>
    public Ipv4View(ReadOnlySpan<byte> packet) => _buffer = packet;

    /// <summary>Validates and wraps <paramref name="packet"/> (see <see cref="Check(ReadOnlySpan{byte}, int)"/>).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> packet, out Ipv4View view, out WireParseError error) =>
        TryCreate(packet, 0, out view, out error);

    /// <summary>
    /// Validates and wraps the first part of a packet whose last <paramref name="detachedLength"/> bytes lie
    /// elsewhere (header split: the NIC kept the payload in device memory). <see cref="Payload"/> must not be
    /// used on such a view; the header and its options are all in <paramref name="packet"/>.
    /// </summary>
    public static bool TryCreate(ReadOnlySpan<byte> packet, int detachedLength, out Ipv4View view, out WireParseError error)
    {
        error = Check(packet, detachedLength);
        view = error == WireParseError.None ? new Ipv4View(packet) : default;
        return error == WireParseError.None;
    }

    /// <summary>
    /// The structural checks of RFC 1812 §5.2.2 and RFC 1122 §3.2.1.1-2, in order: buffer under 20
    /// bytes (Truncated), version not 4 (BadVersion), IHL under 5 (BadHeaderLength), Total Length
    /// past the buffer (BadTotalLength), IHL*4 past Total Length (BadHeaderLength). The checksum
    /// and the options are not checked here.
    /// </summary>
    public static WireParseError Check(ReadOnlySpan<byte> packet) => Check(packet, 0);

    /// <summary>
    /// <see cref="Check(ReadOnlySpan{byte})"/> for a packet whose last <paramref name="detachedLength"/> bytes
    /// lie elsewhere: Total Length may reach that far past the buffer, and a header that does not fit the
    /// buffer is Truncated.
    /// </summary>
    public static WireParseError Check(ReadOnlySpan<byte> packet, int detachedLength)
    {
        if (packet.Length < MinHeaderLength)
        {
            return WireParseError.Truncated;
        }
        var view = new Ipv4View(packet);
        if (view.Version != 4)
        {
            return WireParseError.BadVersion;
        }
        int headerLength = view.HeaderLength;
        if (headerLength < MinHeaderLength)
        {
            return WireParseError.BadHeaderLength;
        }
        int totalLength = view.TotalLength;
        if (totalLength > packet.Length + detachedLength)
        {
            return WireParseError.BadTotalLength;
        }
        if (headerLength > totalLength)
        {
            return WireParseError.BadHeaderLength;
        }
        return headerLength > packet.Length ? WireParseError.Truncated : WireParseError.None;
    }

    /// <summary>The bytes under the view (possibly longer than the packet).</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Version (4 bits).</summary>
    public int Version => _buffer[VersionIhlOffset] >> 4;

    /// <summary>Header length in bytes: IHL (4 bits, 32-bit words) times 4.</summary>
    public int HeaderLength => (_buffer[VersionIhlOffset] & 0x0F) * 4;

    /// <summary>Differentiated Services Code Point (RFC 2474 §3): top 6 bits of the former TOS byte.</summary>
    public byte Dscp => (byte)(_buffer[TosOffset] >> 2);

    /// <summary>Explicit Congestion Notification (RFC 3168 §5): low 2 bits of the former TOS byte.</summary>
    public byte Ecn => (byte)(_buffer[TosOffset] & 0x03);

    /// <summary>Total Length: header and data, in bytes.</summary>
    public ushort TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(TotalLengthOffset));

    /// <summary>Identification (RFC 6864 for its uniqueness rules).</summary>
    public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(IdentificationOffset));

    /// <summary>Flags (3 bits) and Fragment Offset (13 bits) as stored.</summary>
    public ushort FlagsAndFragmentOffset => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(FlagsFragmentOffset));

    /// <summary>Flags bit 1, Don't Fragment.</summary>
    public bool DontFragment => (FlagsAndFragmentOffset & DontFragmentBit) != 0;

    /// <summary>Flags bit 2, More Fragments.</summary>
    public bool MoreFragments => (FlagsAndFragmentOffset & MoreFragmentsBit) != 0;

    /// <summary>Fragment Offset in bytes (the 13-bit field counts 8-byte units).</summary>
    public int FragmentOffset => (FlagsAndFragmentOffset & FragmentOffsetMask) * 8;

    /// <summary>MF set or a non-zero offset: a fragment, which this stack counts and drops.</summary>
    public bool IsFragment => (FlagsAndFragmentOffset & (MoreFragmentsBit | FragmentOffsetMask)) != 0;

    /// <summary>Time to Live.</summary>
    public byte Ttl => _buffer[TtlOffset];

    /// <summary>Protocol of the payload.</summary>
    public IpProtocol Protocol => (IpProtocol)_buffer[ProtocolOffset];

    /// <summary>Header Checksum as stored.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(ChecksumOffset));

    /// <summary>Source Address.</summary>
    public Ipv4Address Source => new(_buffer.Slice(SourceOffset));

    /// <summary>Destination Address.</summary>
    public Ipv4Address Destination => new(_buffer.Slice(DestinationOffset));

    /// <summary>The options area: bytes 20..IHL*4 (raw, including any End of Option List padding).</summary>
    public ReadOnlySpan<byte> Options => _buffer.Slice(MinHeaderLength, HeaderLength - MinHeaderLength);

    /// <summary>A reader over <see cref="Options"/>.</summary>
    public Ipv4OptionReader GetOptionReader() => new(Options);

    /// <summary>The data: bytes IHL*4..Total Length (trailing link padding excluded).</summary>
    public ReadOnlySpan<byte> Payload => _buffer.Slice(HeaderLength, TotalLength - HeaderLength);

    /// <summary>Whether the header checksum verifies (RFC 791 §3.1, "Header Checksum"; RFC 1071).</summary>
    public bool VerifyChecksum() => InternetChecksum.Compute(_buffer.Slice(0, HeaderLength)) == 0;
}
