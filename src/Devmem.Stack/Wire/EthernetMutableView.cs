using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, writable view of an Ethernet II frame header: the fields of
/// <see cref="EthernetView"/> with setters that write in place. No checks are made.
/// </summary>
public readonly ref struct EthernetMutableView
{
    private readonly Span<byte> _buffer;

    /// <summary>Wraps <paramref name="frame"/> without validating it.</summary>
    public EthernetMutableView(Span<byte> frame) => _buffer = frame;

    /// <summary>The read-only view of the same bytes.</summary>
    public EthernetView AsReadOnly() => new(_buffer);

    /// <summary>The read-only view of the same bytes.</summary>
    public static implicit operator EthernetView(EthernetMutableView view) => view.AsReadOnly();

    /// <summary>The whole frame.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Destination address.</summary>
    public MacAddress Destination
    {
        get => new(_buffer.Slice(EthernetView.DestinationOffset));
        set => value.CopyTo(_buffer.Slice(EthernetView.DestinationOffset));
    }

    /// <summary>Source address.</summary>
    public MacAddress Source
    {
        get => new(_buffer.Slice(EthernetView.SourceOffset));
        set => value.CopyTo(_buffer.Slice(EthernetView.SourceOffset));
    }

    /// <summary>The EtherType right after the addresses (<see cref="EtherType.Vlan"/> to tag the frame).</summary>
    public EtherType OuterEtherType
    {
        get => AsReadOnly().OuterEtherType;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(EthernetView.EtherTypeOffset), (ushort)value);
    }

    /// <summary>The 802.1Q TCI (write <see cref="OuterEtherType"/> = Vlan first).</summary>
    public ushort VlanTci
    {
        get => AsReadOnly().VlanTci;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(EthernetView.TciOffset), value);
    }

    /// <summary>The payload's EtherType: after the tag when <see cref="OuterEtherType"/> says tagged.</summary>
    public EtherType EtherType
    {
        get => AsReadOnly().EtherType;
        set => BinaryPrimitives.WriteUInt16BigEndian(
            _buffer.Slice(AsReadOnly().HasVlanTag ? EthernetView.InnerEtherTypeOffset : EthernetView.EtherTypeOffset), (ushort)value);
    }

    /// <summary>Everything after the header.</summary>
    public Span<byte> Payload => _buffer.Slice(AsReadOnly().Length);
}
