namespace Devmem.Stack.Wire;

/// <summary>
/// A parsed IPv4 header (RFC 791 §3.1). Options are kept as raw bytes in the packet: the
/// representation records only how long the options area is (<see cref="OptionsLength"/>); read
/// them with <see cref="Ipv4View.Options"/> and <see cref="Ipv4OptionReader"/>.
/// </summary>
public readonly record struct Ipv4Repr
{
    /// <summary>Source Address.</summary>
    public Ipv4Address Source { get; init; }

    /// <summary>Destination Address.</summary>
    public Ipv4Address Destination { get; init; }

    /// <summary>Protocol of the payload.</summary>
    public IpProtocol Protocol { get; init; }

    /// <summary>Bytes of data after the header (Total Length minus IHL*4).</summary>
    public int PayloadLength { get; init; }

    /// <summary>Time to Live.</summary>
    public byte Ttl { get; init; }

    /// <summary>DSCP, 0..63 (RFC 2474 §3).</summary>
    public byte Dscp { get; init; }

    /// <summary>ECN, 0..3 (RFC 3168 §5).</summary>
    public byte Ecn { get; init; }

    /// <summary>Identification.</summary>
    public ushort Identification { get; init; }

    /// <summary>Don't Fragment.</summary>
    public bool DontFragment { get; init; }

    /// <summary>More Fragments.</summary>
    public bool MoreFragments { get; init; }

    /// <summary>Fragment offset in bytes: a multiple of 8, at most 65528.</summary>
    public int FragmentOffset { get; init; }

    /// <summary>Bytes of options, a multiple of 4, at most 40.</summary>
    public int OptionsLength { get; init; }

    /// <summary>IHL*4: 20 plus <see cref="OptionsLength"/>.</summary>
    public int HeaderLength => Ipv4View.MinHeaderLength + OptionsLength;

    /// <summary>Total Length: header plus payload.</summary>
    public int BufferLength => HeaderLength + PayloadLength;

    /// <summary>MF set or a non-zero offset (RFC 791 §2.3, "Fragmentation"): the caller counts and drops these.</summary>
    public bool IsFragment => MoreFragments || FragmentOffset != 0;

    /// <summary>
    /// Parses and validates an IPv4 packet: the structural checks of <see cref="Ipv4View.TryCreate(ReadOnlySpan{byte}, out Ipv4View, out WireParseError)"/>,
    /// then the header checksum (BadChecksum; skipped when <paramref name="verifyChecksum"/> is false,
    /// e.g. when a NIC vouched for it), then option lengths (BadOptionLength). The buffer may extend
    /// past Total Length (link padding); the payload is <c>packet[HeaderLength..BufferLength]</c>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out Ipv4Repr repr, out WireParseError error, bool verifyChecksum = true) =>
        TryParse(packet, 0, out repr, out error, verifyChecksum);

    /// <summary>
    /// <see cref="TryParse(ReadOnlySpan{byte}, out Ipv4Repr, out WireParseError, bool)"/> for a packet whose last
    /// <paramref name="detachedLength"/> bytes lie elsewhere (header split): only the header is read.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, int detachedLength, out Ipv4Repr repr, out WireParseError error, bool verifyChecksum = true)
    {
        repr = default;
        if (!Ipv4View.TryCreate(packet, detachedLength, out var view, out error))
        {
            return false;
        }
        if (verifyChecksum && !view.VerifyChecksum())
        {
            error = WireParseError.BadChecksum;
            return false;
        }
        error = Ipv4OptionReader.Validate(view.Options);
        if (error != WireParseError.None)
        {
            return false;
        }
        repr = FromView(view, view.TotalLength - view.HeaderLength);
        return true;
    }

    /// <summary>
    /// Parses the leading part of a packet quoted in an ICMP error (RFC 792; RFC 1812 §4.3.2.3: the
    /// header and at least 8 bytes of data): version and IHL must be valid and the header must fit,
    /// but Total Length may exceed the buffer and the checksum is not checked.
    /// <see cref="PayloadLength"/> is what the original packet carried, not what was quoted.
    /// </summary>
    public static bool TryParseQuoted(ReadOnlySpan<byte> quoted, out Ipv4Repr repr, out WireParseError error)
    {
        repr = default;
        if (quoted.Length < Ipv4View.MinHeaderLength)
        {
            error = WireParseError.Truncated;
            return false;
        }
        var view = new Ipv4View(quoted);
        if (view.Version != 4)
        {
            error = WireParseError.BadVersion;
            return false;
        }
        int headerLength = view.HeaderLength;
        if (headerLength < Ipv4View.MinHeaderLength || headerLength > quoted.Length)
        {
            error = WireParseError.BadHeaderLength;
            return false;
        }
        if (view.TotalLength < headerLength)
        {
            error = WireParseError.BadTotalLength;
            return false;
        }
        error = Ipv4OptionReader.Validate(view.Options);
        if (error != WireParseError.None)
        {
            return false;
        }
        repr = FromView(view, view.TotalLength - headerLength);
        return true;
    }

    private static Ipv4Repr FromView(Ipv4View view, int payloadLength) => new()
    {
        Source = view.Source,
        Destination = view.Destination,
        Protocol = view.Protocol,
        PayloadLength = payloadLength,
        Ttl = view.Ttl,
        Dscp = view.Dscp,
        Ecn = view.Ecn,
        Identification = view.Identification,
        DontFragment = view.DontFragment,
        MoreFragments = view.MoreFragments,
        FragmentOffset = view.FragmentOffset,
        OptionsLength = view.HeaderLength - Ipv4View.MinHeaderLength,
    };

    /// <summary>
    /// Writes the header with an all-zero options area (zero is End of Option List, so that is valid)
    /// and the checksum; returns <see cref="HeaderLength"/>. The payload is the caller's to write.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The buffer is shorter than the header.</exception>
    /// <exception cref="InvalidOperationException">A field is out of range.</exception>
    public int Emit(Span<byte> buffer) => Emit(buffer, default);

    /// <summary>
    /// Writes the header with <paramref name="options"/> (at most <see cref="OptionsLength"/> bytes;
    /// the rest of the area is zero-filled, i.e. End of Option List padding) and the checksum;
    /// returns <see cref="HeaderLength"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The buffer is shorter than the header, or the options longer than OptionsLength.</exception>
    /// <exception cref="InvalidOperationException">A field is out of range.</exception>
    public int Emit(Span<byte> buffer, ReadOnlySpan<byte> options)
    {
        Validate();
        int headerLength = HeaderLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, headerLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Length, OptionsLength);
        var header = buffer.Slice(0, headerLength);
        header.Clear();
        var view = new Ipv4MutableView(header)
        {
            Version = 4,
            HeaderLength = headerLength,
            Dscp = Dscp,
            Ecn = Ecn,
            TotalLength = (ushort)BufferLength,
            Identification = Identification,
            DontFragment = DontFragment,
            MoreFragments = MoreFragments,
            FragmentOffset = FragmentOffset,
            Ttl = Ttl,
            Protocol = Protocol,
            Source = Source,
            Destination = Destination,
        };
        options.CopyTo(view.Options);
        view.FillChecksum();
        return headerLength;
    }

    private void Validate()
    {
        if (Dscp > 63 || Ecn > 3 || FragmentOffset < 0 || FragmentOffset > 65528 || (FragmentOffset & 7) != 0
            || OptionsLength < 0 || OptionsLength > 40 || (OptionsLength & 3) != 0
            || PayloadLength < 0 || BufferLength > ushort.MaxValue)
        {
            throw new InvalidOperationException(
                $"IPv4 header out of range: DSCP {Dscp}, ECN {Ecn}, fragment offset {FragmentOffset}, options {OptionsLength}, payload {PayloadLength}.");
        }
    }
}
