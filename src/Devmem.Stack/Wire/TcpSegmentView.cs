using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, read-only view of a TCP segment (header, options and payload) laid out as in
/// RFC 9293 §3.1. Field accessors read big-endian values straight from the buffer.
/// </summary>
/// <remarks>
/// Build it with <see cref="TryCreate"/>, which checks that the fixed header is present and that the data
/// offset is at least 5 and within the buffer; then every accessor stays in bounds. The constructor does no
/// checks (like smoltcp's <c>new_unchecked</c>): on a short buffer an accessor throws rather than read past it.
/// </remarks>
public readonly ref struct TcpSegmentView
{
    /// <summary>Length of the fixed header, without options (RFC 9293 §3.1).</summary>
    public const int MinHeaderLength = 20;

    /// <summary>Largest header: data offset 15 words.</summary>
    public const int MaxHeaderLength = 60;

    /// <summary>Offset of the checksum field.</summary>
    public const int ChecksumOffset = 16;

    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>Wraps <paramref name="segment"/> without validating it.</summary>
    public TcpSegmentView(ReadOnlySpan<byte> segment) => _buffer = segment;

    /// <summary>
    /// Validates and wraps <paramref name="segment"/>: <see cref="WireParseError.Truncated"/> when shorter
    /// than 20 bytes or than the data offset says; <see cref="WireParseError.BadHeaderLength"/> when the data
    /// offset is below 5 (RFC 9293 §3.1).
    /// </summary>
    public static bool TryCreate(ReadOnlySpan<byte> segment, out TcpSegmentView view, out WireParseError error)
    {
        error = Check(segment);
        view = error == WireParseError.None ? new TcpSegmentView(segment) : default;
        return error == WireParseError.None;
    }

    /// <summary>The check <see cref="TryCreate"/> makes, returning <see cref="WireParseError.None"/> when it passes.</summary>
    public static WireParseError Check(ReadOnlySpan<byte> segment)
    {
        if (segment.Length < MinHeaderLength)
        {
            return WireParseError.Truncated;
        }
        int headerLength = (segment[12] >> 4) * 4;
        if (headerLength < MinHeaderLength)
        {
            return WireParseError.BadHeaderLength;
        }
        return headerLength > segment.Length ? WireParseError.Truncated : WireParseError.None;
    }

    /// <summary>The whole segment.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Length of the whole segment in bytes.</summary>
    public int Length => _buffer.Length;

    /// <summary>Source port.</summary>
    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_buffer);

    /// <summary>Destination port.</summary>
    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(2));

    /// <summary>Sequence number.</summary>
    public uint SequenceNumber => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(4));

    /// <summary>Acknowledgment number.</summary>
    public uint AcknowledgmentNumber => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(8));

    /// <summary>Data offset in 32-bit words (4 bits).</summary>
    public int DataOffset => _buffer[12] >> 4;

    /// <summary>Header length in bytes: data offset * 4.</summary>
    public int HeaderLength => (_buffer[12] >> 4) * 4;

    /// <summary>The three reserved bits between data offset and AE (RFC 9293 §3.1: sent as zero, ignored).</summary>
    public int Reserved => (_buffer[12] >> 1) & 0x7;

    /// <summary>Control bits, with AE from the low bit of byte 12.</summary>
    public TcpFlags Flags => (TcpFlags)(((_buffer[12] & 1) << 8) | _buffer[13]);

    /// <summary>Receive window (unscaled).</summary>
    public ushort Window => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(14));

    /// <summary>Checksum field as stored.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(ChecksumOffset));

    /// <summary>Urgent pointer.</summary>
    public ushort UrgentPointer => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(18));

    /// <summary>Raw option bytes: header bytes 20 .. <see cref="HeaderLength"/>.</summary>
    public ReadOnlySpan<byte> Options => _buffer.Slice(MinHeaderLength, HeaderLength - MinHeaderLength);

    /// <summary>The payload: everything after the header.</summary>
    public ReadOnlySpan<byte> Payload => _buffer.Slice(HeaderLength);

    /// <summary>A walker over the raw options.</summary>
    public TcpOptionReader GetOptionReader() => new(Options);

    /// <summary>Parses the options (see <see cref="TcpOptions.TryParse"/>).</summary>
    public bool TryParseOptions(out TcpOptions options, out WireParseError error) =>
        TcpOptions.TryParse(Options, out options, out error);

    /// <summary>
    /// The checksum this segment should carry, given the pseudo-header partial sum
    /// (<see cref="TcpChecksum.PseudoHeaderSumIPv4"/> / <see cref="TcpChecksum.PseudoHeaderSumIPv6"/>);
    /// the stored checksum field is treated as zero (RFC 9293 §3.1).
    /// </summary>
    public ushort ComputeChecksum(uint pseudoHeaderSum) => TcpChecksum.Compute(_buffer, pseudoHeaderSum);

    /// <summary>True when the stored checksum verifies against the pseudo-header partial sum.</summary>
    public bool VerifyChecksum(uint pseudoHeaderSum) => TcpChecksum.Verify(_buffer, pseudoHeaderSum);
}
