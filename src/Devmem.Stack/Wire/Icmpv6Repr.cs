namespace Devmem.Stack.Wire;

/// <summary>
/// A parsed ICMPv6 message (RFC 4443). Every type parses (unknown informational messages are
/// silently dropped by the caller, RFC 4443 §2.4 (b)); echo carries identifier and sequence number
/// in <see cref="RestOfHeader"/>; neighbour discovery messages are read further with
/// <see cref="NdpRepr"/>. The body stays in the packet: the representation records its length.
/// </summary>
public readonly record struct Icmpv6Repr
{
    /// <summary>Type.</summary>
    public Icmpv6Type Type { get; init; }

    /// <summary>Code.</summary>
    public byte Code { get; init; }

    /// <summary>The four type-specific bytes (big-endian word).</summary>
    public uint RestOfHeader { get; init; }

    /// <summary>Bytes after the 8-byte header.</summary>
    public int PayloadLength { get; init; }

    /// <summary>Echo Identifier: the high half of <see cref="RestOfHeader"/>.</summary>
    public ushort Identifier => (ushort)(RestOfHeader >> 16);

    /// <summary>Echo Sequence Number: the low half of <see cref="RestOfHeader"/>.</summary>
    public ushort SequenceNumber => (ushort)RestOfHeader;

    /// <summary>Echo request or reply.</summary>
    public bool IsEcho => Type is Icmpv6Type.EchoRequest or Icmpv6Type.EchoReply;

    /// <summary>An error message: type below 128 (RFC 4443 §2.1).</summary>
    public bool IsError => (byte)Type < 128;

#pragma warning disable CA1822 // Instance members, like every other representation's.
    /// <summary>8.</summary>
    public int HeaderLength => Icmpv6View.HeaderLength;
#pragma warning restore CA1822

    /// <summary>The whole message: 8 plus <see cref="PayloadLength"/>.</summary>
    public int BufferLength => Icmpv6View.HeaderLength + PayloadLength;

    /// <summary>An Echo Request.</summary>
    public static Icmpv6Repr EchoRequest(ushort identifier, ushort sequenceNumber, int payloadLength) => new()
    {
        Type = Icmpv6Type.EchoRequest,
        RestOfHeader = ((uint)identifier << 16) | sequenceNumber,
        PayloadLength = payloadLength,
    };

    /// <summary>The Echo Reply to this request: same identifier, sequence number and data length (RFC 4443 §4.2).</summary>
    public Icmpv6Repr ToEchoReply() => this with { Type = Icmpv6Type.EchoReply, Code = 0 };

    /// <summary>
    /// Parses <paramref name="message"/> (exactly the upper-layer part of the IPv6 packet, whose
    /// addresses enter the checksum): Truncated under 8 bytes, BadChecksum unless the checksum
    /// verifies (or <paramref name="verifyChecksum"/> is false). The body is <c>message[8..]</c>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> message, Ipv6Address source, Ipv6Address destination, out Icmpv6Repr repr,
        out WireParseError error, bool verifyChecksum = true)
    {
        repr = default;
        if (!Icmpv6View.TryCreate(message, out var view, out error))
        {
            return false;
        }
        if (verifyChecksum && !view.VerifyChecksum(source, destination))
        {
            error = WireParseError.BadChecksum;
            return false;
        }
        repr = new Icmpv6Repr
        {
            Type = view.Type,
            Code = view.Code,
            RestOfHeader = view.RestOfHeader,
            PayloadLength = message.Length - Icmpv6View.HeaderLength,
        };
        return true;
    }

    /// <summary>
    /// Writes the header and the checksum over the pseudo-header and <c>buffer[..BufferLength]</c>,
    /// whose body the caller has already filled (zero copy); returns <see cref="BufferLength"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The buffer is shorter than the message.</exception>
    public int Emit(Span<byte> buffer, Ipv6Address source, Ipv6Address destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(PayloadLength);
        int length = BufferLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, length);
        var view = new Icmpv6MutableView(buffer.Slice(0, length))
        {
            Type = Type,
            Code = Code,
            RestOfHeader = RestOfHeader,
        };
        view.FillChecksum(source, destination);
        return length;
    }

    /// <summary>Copies <paramref name="payload"/> (exactly <see cref="PayloadLength"/> bytes; may overlap the buffer) and emits.</summary>
    /// <exception cref="ArgumentException">The payload length differs from <see cref="PayloadLength"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The buffer is shorter than the message.</exception>
    public int Emit(Span<byte> buffer, ReadOnlySpan<byte> payload, Ipv6Address source, Ipv6Address destination)
    {
        if (payload.Length != PayloadLength)
        {
            throw new ArgumentException($"The payload has {payload.Length} bytes; the representation says {PayloadLength}.", nameof(payload));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, BufferLength);
        payload.CopyTo(buffer.Slice(Icmpv6View.HeaderLength));
        return Emit(buffer, source, destination);
    }
}
