using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, read-only view of an ICMPv4 message (RFC 792): type, code, checksum, four
/// type-specific bytes (identifier and sequence number for echo, unused or the next-hop MTU for errors), then the body. The buffer is exactly the message;
/// the checksum covers all of it (RFC 792; RFC 1071). <see cref="Icmpv4MutableView"/> writes.
/// </summary>
/// <remarks>The constructor does no checks: use <see cref="TryCreate"/> for input from the wire.</remarks>
public readonly ref struct Icmpv4View
{
    /// <summary>Type, code, checksum and the four type-specific bytes.</summary>
    public const int HeaderLength = 8;

    /// <summary>Offset of the Checksum field.</summary>
    public const int ChecksumOffset = 2;

    internal const int TypeOffset = 0;
    internal const int CodeOffset = 1;
    internal const int RestOffset = 4;
    internal const int SequenceOffset = 6;

    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>Wraps <paramref name="message"/> without validating it.</summary>
    public Icmpv4View(ReadOnlySpan<byte> message) => _buffer = message;

    /// <summary>Validates and wraps <paramref name="message"/> (see <see cref="Check"/>).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> message, out Icmpv4View view, out WireParseError error)
    {
        error = Check(message);
        view = error == WireParseError.None ? new Icmpv4View(message) : default;
        return error == WireParseError.None;
    }

    /// <summary>Truncated when the 8-byte header does not fit; else None.</summary>
    public static WireParseError Check(ReadOnlySpan<byte> message) =>
        message.Length < HeaderLength ? WireParseError.Truncated : WireParseError.None;

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Type.</summary>
    public Icmpv4Type Type => (Icmpv4Type)_buffer[TypeOffset];

    /// <summary>Code.</summary>
    public byte Code => _buffer[CodeOffset];

    /// <summary>Checksum as stored.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(ChecksumOffset));

    /// <summary>The four type-specific bytes as one big-endian word.</summary>
    public uint RestOfHeader => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(RestOffset));

    /// <summary>Echo Identifier (bytes 4..5).</summary>
    public ushort Identifier => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(RestOffset));

    /// <summary>Echo Sequence Number (bytes 6..7).</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(SequenceOffset));

    /// <summary>Everything after the 8-byte header: echo data, the quoted packet of an error, or an ND body.</summary>
    public ReadOnlySpan<byte> Payload => _buffer.Slice(HeaderLength);

    /// <summary>Whether the checksum over the whole message verifies.</summary>
    public bool VerifyChecksum() => InternetChecksum.Compute(_buffer) == 0;
}
