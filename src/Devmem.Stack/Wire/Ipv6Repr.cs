namespace Devmem.Stack.Wire;

/// <summary>
/// A parsed IPv6 fixed header (RFC 8200 §3). Extension headers belong to the payload: walk them
/// with <see cref="Ipv6ExtensionHeaders.TryWalk(ReadOnlySpan{byte}, int, out Ipv6ExtensionWalk, out WireParseError)"/>.
/// </summary>
public readonly record struct Ipv6Repr
{
    /// <summary>Source Address.</summary>
    public Ipv6Address Source { get; init; }

    /// <summary>Destination Address.</summary>
    public Ipv6Address Destination { get; init; }

    /// <summary>Next Header.</summary>
    public IpProtocol NextHeader { get; init; }

    /// <summary>Payload Length: bytes after the fixed header, 0..65535.</summary>
    public int PayloadLength { get; init; }

    /// <summary>Hop Limit.</summary>
    public byte HopLimit { get; init; }

    /// <summary>Traffic Class.</summary>
    public byte TrafficClass { get; init; }

    /// <summary>Flow Label, 0..0xFFFFF.</summary>
    public uint FlowLabel { get; init; }

#pragma warning disable CA1822 // Instance members, like every other representation's.
    /// <summary>40.</summary>
    public int HeaderLength => Ipv6View.HeaderLength;
#pragma warning restore CA1822

    /// <summary>40 plus <see cref="PayloadLength"/>.</summary>
    public int BufferLength => Ipv6View.HeaderLength + PayloadLength;

    /// <summary>
    /// Parses the fixed header with the checks of <see cref="Ipv6View.TryCreate(ReadOnlySpan{byte}, out Ipv6View, out WireParseError)"/>; the payload
    /// is <c>packet[40..BufferLength]</c> (the buffer may be longer: link padding).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out Ipv6Repr repr, out WireParseError error) =>
        TryParse(packet, 0, out repr, out error);

    /// <summary>
    /// <see cref="TryParse(ReadOnlySpan{byte}, out Ipv6Repr, out WireParseError)"/> for a packet whose last
    /// <paramref name="detachedLength"/> bytes lie elsewhere (header split).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, int detachedLength, out Ipv6Repr repr, out WireParseError error)
    {
        repr = default;
        if (!Ipv6View.TryCreate(packet, detachedLength, out var view, out error))
        {
            return false;
        }
        repr = new Ipv6Repr
        {
            Source = view.Source,
            Destination = view.Destination,
            NextHeader = view.NextHeader,
            PayloadLength = view.PayloadLength,
            HopLimit = view.HopLimit,
            TrafficClass = view.TrafficClass,
            FlowLabel = view.FlowLabel,
        };
        return true;
    }

    /// <summary>Writes the 40-byte fixed header; returns 40. The payload is the caller's to write.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The buffer is shorter than 40 bytes.</exception>
    /// <exception cref="InvalidOperationException">Payload length or flow label out of range.</exception>
    public int Emit(Span<byte> buffer)
    {
        if (PayloadLength is < 0 or > ushort.MaxValue || FlowLabel > 0xF_FFFF)
        {
            throw new InvalidOperationException($"IPv6 header out of range: payload {PayloadLength}, flow label {FlowLabel}.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, Ipv6View.HeaderLength);
        _ = new Ipv6MutableView(buffer)
        {
            Version = 6,
            TrafficClass = TrafficClass,
            FlowLabel = FlowLabel,
            PayloadLength = (ushort)PayloadLength,
            NextHeader = NextHeader,
            HopLimit = HopLimit,
            Source = Source,
            Destination = Destination,
        };
        return Ipv6View.HeaderLength;
    }
}
