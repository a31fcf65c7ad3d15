using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, read-only view of an ICMPv6 message (RFC 4443 §2.1): type, code, checksum, four
/// type-specific bytes (identifier and sequence number for echo, MTU, pointer, NA flags), then the body. The buffer is exactly the message;
/// the checksum covers it and the IPv6 pseudo-header (RFC 4443 §2.3, RFC 8200 §8.1). <see cref="Icmpv6MutableView"/> writes.
/// </summary>
/// <remarks>The constructor does no checks: use <see cref="TryCreate"/> for input from the wire.</remarks>
public readonly ref struct Icmpv6View
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
    public Icmpv6View(ReadOnlySpan<byte> message) => _buffer = message;

    /// <summary>Validates and wraps <paramref name="message"/> (see <see cref="Check"/>).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> message, out Icmpv6View view, out WireParseError error)
    {
        error = Check(message);
        view = error == WireParseError.None ? new Icmpv6View(message) : default;
        return error == WireParseError.None;
    }

    /// <summary>Truncated when the 8-byte header does not fit; else None.</summary>
    public static WireParseError Check(ReadOnlySpan<byte> message) =>
        message.Length < HeaderLength ? WireParseError.Truncated : WireParseError.None;

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Type.</summary>
    public Icmpv6Type Type => (Icmpv6Type)_buffer[TypeOffset];

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

    /// <summary>Whether the checksum over the pseudo-header and the whole message verifies.</summary>
    public bool VerifyChecksum(Ipv6Address source, Ipv6Address destination) => ComputeChecksum(_buffer, source, destination) == 0;

    /// <summary>
    /// The Internet checksum of the IPv6 pseudo-header (next header 58, length = message length) and
    /// <paramref name="message"/> as it stands: 0 for a message that verifies; the value to store
    /// when the checksum field is zero.
    /// </summary>
    public static ushort ComputeChecksum(ReadOnlySpan<byte> message, Ipv6Address source, Ipv6Address destination)
    {
        Span<byte> addresses = stackalloc byte[2 * Ipv6Address.Length];
        source.CopyTo(addresses);
        destination.CopyTo(addresses.Slice(Ipv6Address.Length));
        ulong sum = InternetChecksum.PseudoHeaderIPv6(addresses.Slice(0, Ipv6Address.Length), addresses.Slice(Ipv6Address.Length),
            (byte)IpProtocol.Icmpv6, message.Length);
        sum += InternetChecksum.Accumulate(message);
        return InternetChecksum.Finish(sum);
    }
}
