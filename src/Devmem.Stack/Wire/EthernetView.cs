using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, read-only view of an Ethernet II frame header (IEEE 802.3 clause 3.2; RFC 894):
/// destination, source, EtherType, optionally preceded by one IEEE 802.1Q tag (TPID 0x8100, then
/// the TCI), which is recognised and reported but not interpreted further. The FCS is not part of
/// the buffer. <see cref="EthernetMutableView"/> writes.
/// </summary>
/// <remarks>
/// The constructor does no checks: use <see cref="TryCreate"/> for input from the wire, after
/// which every accessor stays in bounds (on a short buffer an accessor throws rather than read past it).
/// </remarks>
public readonly ref struct EthernetView
{
    /// <summary>Length of the untagged header.</summary>
    public const int HeaderLength = 14;

    /// <summary>Length of the header with one 802.1Q tag.</summary>
    public const int TaggedHeaderLength = 18;

    internal const int DestinationOffset = 0;
    internal const int SourceOffset = 6;
    internal const int EtherTypeOffset = 12;
    internal const int TciOffset = 14;
    internal const int InnerEtherTypeOffset = 16;

    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>Wraps <paramref name="frame"/> without validating it.</summary>
    public EthernetView(ReadOnlySpan<byte> frame) => _buffer = frame;

    /// <summary>Validates and wraps <paramref name="frame"/> (see <see cref="Check"/>).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> frame, out EthernetView view, out WireParseError error)
    {
        error = Check(frame);
        view = error == WireParseError.None ? new EthernetView(frame) : default;
        return error == WireParseError.None;
    }

    /// <summary>Truncated when the header (with its tag, if tagged) does not fit; else None.</summary>
    public static WireParseError Check(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < HeaderLength)
        {
            return WireParseError.Truncated;
        }
        bool tagged = BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(EtherTypeOffset)) == (ushort)EtherType.Vlan;
        return tagged && frame.Length < TaggedHeaderLength ? WireParseError.Truncated : WireParseError.None;
    }

    /// <summary>The whole frame.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Destination address (octets 0..5).</summary>
    public MacAddress Destination => new(_buffer.Slice(DestinationOffset));

    /// <summary>Source address (octets 6..11).</summary>
    public MacAddress Source => new(_buffer.Slice(SourceOffset));

    /// <summary>The EtherType right after the addresses: <see cref="EtherType.Vlan"/> when tagged.</summary>
    public EtherType OuterEtherType => (EtherType)BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(EtherTypeOffset));

    /// <summary>Whether one 802.1Q tag follows the addresses.</summary>
    public bool HasVlanTag => OuterEtherType == EtherType.Vlan;

    /// <summary>The 802.1Q tag control information (PCP, DEI, VID); meaningful only when <see cref="HasVlanTag"/>.</summary>
    public ushort VlanTci => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(TciOffset));

    /// <summary>The EtherType of the payload (after the tag when there is one).</summary>
    public EtherType EtherType => HasVlanTag
        ? (EtherType)BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(InnerEtherTypeOffset))
        : OuterEtherType;

    /// <summary>14, or 18 with a tag.</summary>
    public int Length => HasVlanTag ? TaggedHeaderLength : HeaderLength;

    /// <summary>Everything after the header (including any Ethernet padding).</summary>
    public ReadOnlySpan<byte> Payload => _buffer.Slice(Length);
}
