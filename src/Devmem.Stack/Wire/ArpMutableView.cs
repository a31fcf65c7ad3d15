using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, writable view of an Ethernet/IPv4 ARP packet: the fields of <see cref="ArpView"/>
/// with setters that write in place. No checks are made.
/// </summary>
public readonly ref struct ArpMutableView
{
    private readonly Span<byte> _buffer;

    /// <summary>Wraps <paramref name="packet"/> without validating it.</summary>
    public ArpMutableView(Span<byte> packet) => _buffer = packet;

    /// <summary>The read-only view of the same bytes.</summary>
    public ArpView AsReadOnly() => new(_buffer);

    /// <summary>The read-only view of the same bytes.</summary>
    public static implicit operator ArpView(ArpMutableView view) => view.AsReadOnly();

    /// <summary>The bytes under the view.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>ar$hrd.</summary>
    public ushort HardwareType
    {
        get => AsReadOnly().HardwareType;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(ArpView.HardwareTypeOffset), value);
    }

    /// <summary>ar$pro.</summary>
    public EtherType ProtocolType
    {
        get => AsReadOnly().ProtocolType;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(ArpView.ProtocolTypeOffset), (ushort)value);
    }

    /// <summary>ar$hln.</summary>
    public byte HardwareLength
    {
        get => _buffer[ArpView.HardwareLengthOffset];
        set => _buffer[ArpView.HardwareLengthOffset] = value;
    }

    /// <summary>ar$pln.</summary>
    public byte ProtocolLength
    {
        get => _buffer[ArpView.ProtocolLengthOffset];
        set => _buffer[ArpView.ProtocolLengthOffset] = value;
    }

    /// <summary>ar$op.</summary>
    public ArpOperation Operation
    {
        get => AsReadOnly().Operation;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(ArpView.OperationOffset), (ushort)value);
    }

    /// <summary>ar$sha.</summary>
    public MacAddress SenderHardwareAddress
    {
        get => AsReadOnly().SenderHardwareAddress;
        set => value.CopyTo(_buffer.Slice(ArpView.SenderHardwareOffset));
    }

    /// <summary>ar$spa.</summary>
    public Ipv4Address SenderProtocolAddress
    {
        get => AsReadOnly().SenderProtocolAddress;
        set => value.CopyTo(_buffer.Slice(ArpView.SenderProtocolOffset));
    }

    /// <summary>ar$tha.</summary>
    public MacAddress TargetHardwareAddress
    {
        get => AsReadOnly().TargetHardwareAddress;
        set => value.CopyTo(_buffer.Slice(ArpView.TargetHardwareOffset));
    }

    /// <summary>ar$tpa.</summary>
    public Ipv4Address TargetProtocolAddress
    {
        get => AsReadOnly().TargetProtocolAddress;
        set => value.CopyTo(_buffer.Slice(ArpView.TargetProtocolOffset));
    }
}
