namespace Devmem.Stack.Wire;

/// <summary>
/// A parsed ICMP message (RFC 792). Every type parses (a host ignores types it does not know,
/// RFC 1122 §3.2.2); echo request/reply carry an identifier and sequence number in
/// <see cref="RestOfHeader"/>, destination unreachable and time exceeded quote the offending
/// packet's header and first 8 data bytes in the payload (read it with
/// <see cref="Ipv4Repr.TryParseQuoted"/>). The payload stays in the packet: the representation
/// records its length.
/// </summary>
public readonly record struct Icmpv4Repr
{
    /// <summary>Type.</summary>
    public Icmpv4Type Type { get; init; }

    /// <summary>Code.</summary>
    public byte Code { get; init; }

    /// <summary>The four type-specific bytes (big-endian word).</summary>
    public uint RestOfHeader { get; init; }

    /// <summary>Bytes of data after the 8-byte header.</summary>
    public int PayloadLength { get; init; }

    /// <summary>Echo Identifier: the high half of <see cref="RestOfHeader"/>.</summary>
    public ushort Identifier => (ushort)(RestOfHeader >> 16);

    /// <summary>Echo Sequence Number: the low half of <see cref="RestOfHeader"/>.</summary>
    public ushort SequenceNumber => (ushort)RestOfHeader;

    /// <summary>Next-hop MTU of a "fragmentation needed" unreachable (RFC 1191 §4): the low half.</summary>
    public ushort NextHopMtu => (ushort)RestOfHeader;

    /// <summary>Echo request or reply.</summary>
    public bool IsEcho => Type is Icmpv4Type.EchoRequest or Icmpv4Type.EchoReply;

    /// <summary>An error message that quotes a packet (RFC 1122 §3.2.2).</summary>
    public bool IsError => Type is Icmpv4Type.DestinationUnreachable or Icmpv4Type.Redirect or Icmpv4Type.TimeExceeded
        or Icmpv4Type.ParameterProblem;

#pragma warning disable CA1822 // Instance members, like every other representation's.
    /// <summary>8.</summary>
    public int HeaderLength => Icmpv4View.HeaderLength;
#pragma warning restore CA1822

    /// <summary>The whole message: 8 plus <see cref="PayloadLength"/>.</summary>
    public int BufferLength => Icmpv4View.HeaderLength + PayloadLength;

    /// <summary>An Echo Request.</summary>
    public static Icmpv4Repr EchoRequest(ushort identifier, ushort sequenceNumber, int payloadLength) => new()
    {
        Type = Icmpv4Type.EchoRequest,
        RestOfHeader = ((uint)identifier << 16) | sequenceNumber,
        PayloadLength = payloadLength,
    };

    /// <summary>The Echo Reply to this request: same identifier, sequence number and data length (RFC 792).</summary>
    public Icmpv4Repr ToEchoReply() => this with { Type = Icmpv4Type.EchoReply, Code = 0 };

    /// <summary>A Destination Unreachable quoting <paramref name="quotedLength"/> bytes of the offending packet.</summary>
    public static Icmpv4Repr DestinationUnreachable(Icmpv4UnreachableCode code, int quotedLength, ushort nextHopMtu = 0) => new()
    {
        Type = Icmpv4Type.DestinationUnreachable,
        Code = (byte)code,
        RestOfHeader = nextHopMtu,
        PayloadLength = quotedLength,
    };

    /// <summary>
    /// Parses <paramref name="message"/> (exactly the IPv4 payload): Truncated under 8 bytes,
    /// BadChecksum unless the checksum verifies (or <paramref name="verifyChecksum"/> is false).
    /// The payload is <c>message[8..]</c>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out Icmpv4Repr repr, out WireParseError error, bool verifyChecksum = true)
    {
        repr = default;
        if (!Icmpv4View.TryCreate(message, out var view, out error))
        {
            return false;
        }
        if (verifyChecksum && !view.VerifyChecksum())
        {
            error = WireParseError.BadChecksum;
            return false;
        }
        repr = new Icmpv4Repr
        {
            Type = view.Type,
            Code = view.Code,
            RestOfHeader = view.RestOfHeader,
            PayloadLength = message.Length - Icmpv4View.HeaderLength,
        };
        return true;
    }

    /// <summary>
    /// Writes the header and the checksum over <c>buffer[..BufferLength]</c>, whose payload part the
    /// caller has already filled (zero copy); returns <see cref="BufferLength"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The buffer is shorter than the message.</exception>
    public int Emit(Span<byte> buffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(PayloadLength);
        int length = BufferLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, length);
        var view = new Icmpv4MutableView(buffer.Slice(0, length))
        {
            Type = Type,
            Code = Code,
            RestOfHeader = RestOfHeader,
        };
        view.FillChecksum();
        return length;
    }

    /// <summary>Copies <paramref name="payload"/> (exactly <see cref="PayloadLength"/> bytes; may overlap the buffer) and emits.</summary>
    /// <exception cref="ArgumentException">The payload length differs from <see cref="PayloadLength"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The buffer is shorter than the message.</exception>
    public int Emit(Span<byte> buffer, ReadOnlySpan<byte> payload)
    {
        if (payload.Length != PayloadLength)
        {
            throw new ArgumentException($"The payload has {payload.Length} bytes; the representation says {PayloadLength}.", nameof(payload));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, BufferLength);
        payload.CopyTo(buffer.Slice(Icmpv4View.HeaderLength));
        return Emit(buffer);
    }
}
