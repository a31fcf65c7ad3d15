namespace Devmem.Stack.Wire;

/// <summary>
/// A parsed Ethernet II header (IEEE 802.3 clause 3.2; RFC 894): addresses, the payload's
/// EtherType and, when present, one 802.1Q tag's TCI (IEEE 802.1Q §9.6).
/// </summary>
public readonly record struct EthernetRepr
{
    /// <summary>Destination address.</summary>
    public MacAddress Destination { get; init; }

    /// <summary>Source address.</summary>
    public MacAddress Source { get; init; }

    /// <summary>The payload's EtherType (inside the tag when tagged).</summary>
    public EtherType EtherType { get; init; }

    /// <summary>Whether the frame carries one 802.1Q tag.</summary>
    public bool HasVlanTag { get; init; }

    /// <summary>The tag's TCI: priority (3 bits), drop eligible (1), VLAN id (12). Zero when untagged.</summary>
    public ushort VlanTci { get; init; }

    /// <summary>The VLAN identifier (low 12 bits of the TCI).</summary>
    public int VlanId => VlanTci & 0x0FFF;

    /// <summary>The priority code point (top 3 bits of the TCI).</summary>
    public int VlanPriority => VlanTci >> 13;

    /// <summary>14, or 18 with a tag.</summary>
    public int HeaderLength => HasVlanTag ? EthernetView.TaggedHeaderLength : EthernetView.HeaderLength;

    /// <summary>Bytes <see cref="Emit"/> writes: the header.</summary>
    public int BufferLength => HeaderLength;

    /// <summary>Parses a frame header; the payload is <c>frame[repr.HeaderLength..]</c>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out EthernetRepr repr, out WireParseError error)
    {
        if (!EthernetView.TryCreate(frame, out var view, out error))
        {
            repr = default;
            return false;
        }
        bool tagged = view.HasVlanTag;
        repr = new EthernetRepr
        {
            Destination = view.Destination,
            Source = view.Source,
            EtherType = view.EtherType,
            HasVlanTag = tagged,
            VlanTci = tagged ? view.VlanTci : (ushort)0,
        };
        return true;
    }

    /// <summary>Writes the header; returns <see cref="HeaderLength"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The buffer is shorter than the header.</exception>
    public int Emit(Span<byte> buffer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, HeaderLength);
        if (!HasVlanTag && EtherType == EtherType.Vlan)
        {
            throw new InvalidOperationException("An untagged frame cannot carry EtherType 0x8100: set HasVlanTag.");
        }
        var view = new EthernetMutableView(buffer)
        {
            Destination = Destination,
            Source = Source,
        };
        if (HasVlanTag)
        {
            view.OuterEtherType = EtherType.Vlan;
            view.VlanTci = VlanTci;
        }
        else
        {
            view.OuterEtherType = EtherType;
        }
        view.EtherType = EtherType;
        return HeaderLength;
    }
}
