using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, read-only view of an IPv6 packet's fixed header (RFC 8200 §3): version, traffic
/// class, flow label, payload length, next header, hop limit, source and destination. The buffer
/// may be longer than 40 + Payload Length (link padding); <see cref="Payload"/> stops at Payload
/// Length. <see cref="Ipv6MutableView"/> writes.
/// </summary>
/// <remarks>The constructor does no checks: use <see cref="TryCreate(ReadOnlySpan{byte}, out Ipv6View, out WireParseError)"/> for input from the wire.</remarks>
public readonly ref struct Ipv6View
{
    /// <summary>Length of the fixed header.</summary>
    public const int HeaderLength = 40;

    internal const int VersionClassFlowOffset = 0;
    internal const int PayloadLengthOffset = 4;
    internal const int NextHeaderOffset = 6;
    internal const int HopLimitOffset = 7;
    internal const int SourceOffset = 8;
    internal const int DestinationOffset = 24;

    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>Wraps <paramref name="packet"/> without validating it.</summary>
    public Ipv6View(ReadOnlySpan<byte> packet) => _buffer = packet;

    /// <summary>Validates and wraps <paramref name="packet"/> (see <see cref="Check(ReadOnlySpan{byte}, int)"/>).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> packet, out Ipv6View view, out WireParseError error) =>
        TryCreate(packet, 0, out view, out error);

    /// <summary>
    /// Validates and wraps the first part of a packet whose last <paramref name="detachedLength"/> bytes lie
    /// elsewhere (header split: the NIC kept the payload in device memory).
    /// </summary>
    public static bool TryCreate(ReadOnlySpan<byte> packet, int detachedLength, out Ipv6View view, out WireParseError error)
    {
        error = Check(packet, detachedLength);
        view = error == WireParseError.None ? new Ipv6View(packet) : default;
        return error == WireParseError.None;
    }

    /// <summary>
    /// In order: buffer under 40 bytes (Truncated), version not 6 (BadVersion), 40 + Payload Length
    /// past the buffer (BadTotalLength). Jumbograms (RFC 2675) are not supported: a zero Payload
    /// Length means an empty payload.
    /// </summary>
    public static WireParseError Check(ReadOnlySpan<byte> packet) => Check(packet, 0);

    /// <summary>
    /// <see cref="Check(ReadOnlySpan{byte})"/> for a packet whose last <paramref name="detachedLength"/> bytes
    /// lie elsewhere: Payload Length may reach that far past the buffer.
    /// </summary>
    public static WireParseError Check(ReadOnlySpan<byte> packet, int detachedLength)
    {
        if (packet.Length < HeaderLength)
        {
            return WireParseError.Truncated;
        }
        var view = new Ipv6View(packet);
        if (view.Version != 6)
        {
            return WireParseError.BadVersion;
        }
        return HeaderLength + view.PayloadLength > packet.Length + detachedLength ? WireParseError.BadTotalLength : WireParseError.None;
    }

    /// <summary>The bytes under the view (possibly longer than the packet).</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Version (4 bits).</summary>
    public int Version => _buffer[VersionClassFlowOffset] >> 4;

    /// <summary>Traffic Class (8 bits: DSCP and ECN, RFC 8200 §7).</summary>
    public byte TrafficClass => (byte)(FirstWord >> 20);

    /// <summary>Flow Label (20 bits, RFC 6437).</summary>
    public uint FlowLabel => FirstWord & 0x000F_FFFF;

    /// <summary>Payload Length: bytes after the fixed header, extension headers included.</summary>
    public ushort PayloadLength => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(PayloadLengthOffset));

    /// <summary>Next Header: the first extension header or the upper-layer protocol.</summary>
    public IpProtocol NextHeader => (IpProtocol)_buffer[NextHeaderOffset];

    /// <summary>Hop Limit.</summary>
    public byte HopLimit => _buffer[HopLimitOffset];

    /// <summary>Source Address.</summary>
    public Ipv6Address Source => new(_buffer.Slice(SourceOffset));

    /// <summary>Destination Address.</summary>
    public Ipv6Address Destination => new(_buffer.Slice(DestinationOffset));

    /// <summary>The payload: bytes 40..40 + Payload Length (extension headers included).</summary>
    public ReadOnlySpan<byte> Payload => _buffer.Slice(HeaderLength, PayloadLength);

    /// <summary>Version, Traffic Class and Flow Label as stored.</summary>
    internal uint FirstWord => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(VersionClassFlowOffset));
}
