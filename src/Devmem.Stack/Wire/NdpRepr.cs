namespace Devmem.Stack.Wire;

/// <summary>
/// A parsed Neighbor Discovery message (RFC 4861): Neighbor Solicitation and Advertisement with
/// their link-layer address options in full, Router Solicitation likewise; Router Advertisement
/// and Redirect are recognised (type, target, source link-layer address) but not emitted.
/// Options other than the link-layer addresses are walked and skipped; for a repeated option the
/// first one counts.
/// <para>RFC 4861 §7.1 also requires IP Hop Limit 255 (<see cref="RequiredHopLimit"/>): the IP
/// layer, which holds the hop limit, checks it.</para>
/// </summary>
public readonly record struct NdpRepr
{
    /// <summary>The only IP Hop Limit a Neighbor Discovery message may arrive with (RFC 4861 §6.1, §7.1).</summary>
    public const byte RequiredHopLimit = 255;

    private const int LinkLayerOptionLength = 8;

    /// <summary>Which message.</summary>
    public Icmpv6Type Type { get; init; }

    /// <summary>Target Address (NS, NA, Redirect); unspecified otherwise.</summary>
    public Ipv6Address TargetAddress { get; init; }

    /// <summary>NA R flag.</summary>
    public bool IsRouter { get; init; }

    /// <summary>NA S flag.</summary>
    public bool IsSolicited { get; init; }

    /// <summary>NA O flag.</summary>
    public bool IsOverride { get; init; }

    /// <summary>The Source Link-Layer Address option, if present.</summary>
    public MacAddress? SourceLinkLayerAddress { get; init; }

    /// <summary>The Target Link-Layer Address option, if present.</summary>
    public MacAddress? TargetLinkLayerAddress { get; init; }

    /// <summary>The fixed part for <see cref="Type"/> (see <see cref="NdpView.FixedLength"/>).</summary>
    public int HeaderLength => NdpView.FixedLength(Type);

    /// <summary>The whole message <see cref="Emit"/> writes: fixed part plus 8 bytes per link-layer option.</summary>
    public int BufferLength => HeaderLength
        + (SourceLinkLayerAddress.HasValue ? LinkLayerOptionLength : 0)
        + (TargetLinkLayerAddress.HasValue ? LinkLayerOptionLength : 0);

    /// <summary>A Neighbor Solicitation for <paramref name="target"/> (RFC 4861 §7.2.2).</summary>
    public static NdpRepr NeighborSolicitation(Ipv6Address target, MacAddress? sourceLinkLayerAddress) => new()
    {
        Type = Icmpv6Type.NeighborSolicitation,
        TargetAddress = target,
        SourceLinkLayerAddress = sourceLinkLayerAddress,
    };

    /// <summary>A Neighbor Advertisement for <paramref name="target"/> (RFC 4861 §7.2.4).</summary>
    public static NdpRepr NeighborAdvertisement(Ipv6Address target, bool router, bool solicited, bool @override,
        MacAddress? targetLinkLayerAddress) => new()
        {
            Type = Icmpv6Type.NeighborAdvertisement,
            TargetAddress = target,
            IsRouter = router,
            IsSolicited = solicited,
            IsOverride = @override,
            TargetLinkLayerAddress = targetLinkLayerAddress,
        };

    /// <summary>A Router Solicitation (RFC 4861 §6.3.7).</summary>
    public static NdpRepr RouterSolicitation(MacAddress? sourceLinkLayerAddress) => new()
    {
        Type = Icmpv6Type.RouterSolicitation,
        SourceLinkLayerAddress = sourceLinkLayerAddress,
    };

    /// <summary>
    /// Parses and validates a Neighbor Discovery message (exactly the ICMPv6 part of the packet)
    /// per RFC 4861 §6.1 and §7.1, in order: not an ND type (UnknownProtocol), fixed part missing
    /// (Truncated), checksum (BadChecksum, unless <paramref name="verifyChecksum"/> is false), code
    /// not 0 (Malformed), an option of length 0 or past the end (BadOptionLength), then Malformed
    /// for: a multicast target (NS, NA); an NA to a multicast destination with S set; an NS or RS
    /// from the unspecified address carrying a source link-layer address, or an NS from it not sent
    /// to a solicited-node address; an RA from a non-link-local source.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> message, Ipv6Address source, Ipv6Address destination, out NdpRepr repr,
        out WireParseError error, bool verifyChecksum = true)
    {
        repr = default;
        if (!NdpView.TryCreate(message, out var view, out error))
        {
            return false;
        }
        var icmp = new Icmpv6View(message);
        if (verifyChecksum && !icmp.VerifyChecksum(source, destination))
        {
            error = WireParseError.BadChecksum;
            return false;
        }
        if (icmp.Code != 0)
        {
            error = WireParseError.Malformed;
            return false;
        }
        MacAddress? sourceLla = null;
        MacAddress? targetLla = null;
        var reader = new NdpOptionReader(view.Options);
        while (reader.TryReadNext(out var type, out var option))
        {
            if (type == NdpOptionType.SourceLinkLayerAddress && option.Length >= LinkLayerOptionLength)
            {
                sourceLla ??= new MacAddress(option.Slice(2));
            }
            else if (type == NdpOptionType.TargetLinkLayerAddress && option.Length >= LinkLayerOptionLength)
            {
                targetLla ??= new MacAddress(option.Slice(2));
            }
        }
        if (reader.Error != WireParseError.None)
        {
            error = reader.Error;
            return false;
        }
        var messageType = view.Type;
        bool hasTarget = messageType is Icmpv6Type.NeighborSolicitation or Icmpv6Type.NeighborAdvertisement or Icmpv6Type.Redirect;
        var target = hasTarget ? view.TargetAddress : default;
        bool isAdvertisement = messageType == Icmpv6Type.NeighborAdvertisement;
        bool invalid = messageType switch
        {
            Icmpv6Type.NeighborSolicitation => target.IsMulticast
                || (source.IsUnspecified && (sourceLla.HasValue || !destination.IsSolicitedNodeMulticast)),
            Icmpv6Type.NeighborAdvertisement => target.IsMulticast || (destination.IsMulticast && view.IsSolicited),
            Icmpv6Type.RouterSolicitation => source.IsUnspecified && sourceLla.HasValue,
            Icmpv6Type.RouterAdvertisement => !source.IsLinkLocal,
            _ => false,
        };
        if (invalid)
        {
            error = WireParseError.Malformed;
            return false;
        }
        repr = new NdpRepr
        {
            Type = messageType,
            TargetAddress = target,
            IsRouter = isAdvertisement && view.IsRouter,
            IsSolicited = isAdvertisement && view.IsSolicited,
            IsOverride = isAdvertisement && view.IsOverride,
            SourceLinkLayerAddress = sourceLla,
            TargetLinkLayerAddress = targetLla,
        };
        return true;
    }

    /// <summary>
    /// Writes a Neighbor Solicitation, Neighbor Advertisement or Router Solicitation with its
    /// link-layer address options (source first) and the ICMPv6 checksum; returns
    /// <see cref="BufferLength"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">A Router Advertisement or Redirect (a host does not send them).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The buffer is shorter than the message.</exception>
    public int Emit(Span<byte> buffer, Ipv6Address source, Ipv6Address destination)
    {
        if (Type is not (Icmpv6Type.NeighborSolicitation or Icmpv6Type.NeighborAdvertisement or Icmpv6Type.RouterSolicitation))
        {
            throw new NotSupportedException($"Emitting {Type} is not supported: only neighbor solicitations and advertisements and router solicitations.");
        }
        int length = BufferLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, length);
        var message = buffer.Slice(0, length);
        message.Slice(0, HeaderLength).Clear();
        var icmp = new Icmpv6MutableView(message)
        {
            Type = Type,
            Code = 0,
        };
        if (Type != Icmpv6Type.RouterSolicitation)
        {
            var view = new NdpMutableView(message)
            {
                TargetAddress = TargetAddress,
            };
            if (Type == Icmpv6Type.NeighborAdvertisement)
            {
                view.IsRouter = IsRouter;
                view.IsSolicited = IsSolicited;
                view.IsOverride = IsOverride;
            }
        }
        int offset = HeaderLength;
        if (SourceLinkLayerAddress is { } sourceLla)
        {
            WriteLinkLayerOption(message.Slice(offset), NdpOptionType.SourceLinkLayerAddress, sourceLla);
            offset += LinkLayerOptionLength;
        }
        if (TargetLinkLayerAddress is { } targetLla)
        {
            WriteLinkLayerOption(message.Slice(offset), NdpOptionType.TargetLinkLayerAddress, targetLla);
        }
        icmp.FillChecksum(source, destination);
        return length;
    }

    /// <summary>A link-layer address option for Ethernet (RFC 4861 §4.6.1, RFC 2464 §6): type, length 1, MAC.</summary>
    private static void WriteLinkLayerOption(Span<byte> destination, NdpOptionType type, MacAddress address)
    {
        destination[0] = (byte)type;
        destination[1] = 1;
        address.CopyTo(destination.Slice(2));
    }
}
