using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, read-only view of an ARP packet for Ethernet hardware and IPv4 protocol addresses
/// (RFC 826, "Packet format"): hrd, pro, hln, pln, op, sha, spa, tha, tpa — 28 bytes. The address
/// accessors assume 6-byte hardware and 4-byte protocol addresses, which <see cref="Check"/>
/// verifies. <see cref="ArpMutableView"/> writes.
/// </summary>
/// <remarks>The constructor does no checks: use <see cref="TryCreate"/> for input from the wire.</remarks>
public readonly ref struct ArpView
{
    /// <summary>Bytes of an Ethernet/IPv4 ARP packet.</summary>
    public const int Length = 28;

    /// <summary>ares_hrd$Ethernet (IANA hardware type 1).</summary>
    public const ushort HardwareTypeEthernet = 1;

    internal const int HardwareTypeOffset = 0;
    internal const int ProtocolTypeOffset = 2;
    internal const int HardwareLengthOffset = 4;
    internal const int ProtocolLengthOffset = 5;
    internal const int OperationOffset = 6;
    internal const int SenderHardwareOffset = 8;
    internal const int SenderProtocolOffset = 14;
    internal const int TargetHardwareOffset = 18;
    internal const int TargetProtocolOffset = 24;

    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>Wraps <paramref name="packet"/> without validating it.</summary>
    public ArpView(ReadOnlySpan<byte> packet) => _buffer = packet;

    /// <summary>Validates and wraps <paramref name="packet"/> (see <see cref="Check"/>).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> packet, out ArpView view, out WireParseError error)
    {
        error = Check(packet);
        view = error == WireParseError.None ? new ArpView(packet) : default;
        return error == WireParseError.None;
    }

    /// <summary>
    /// Truncated under 28 bytes; UnknownProtocol unless hardware type is Ethernet and protocol type
    /// IPv4; Malformed unless the address lengths are 6 and 4. Bytes past 28 (Ethernet padding) are ignored.
    /// </summary>
    public static WireParseError Check(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < Length)
        {
            return WireParseError.Truncated;
        }
        var view = new ArpView(packet);
        if (view.HardwareType != HardwareTypeEthernet || view.ProtocolType != EtherType.Ipv4)
        {
            return WireParseError.UnknownProtocol;
        }
        return view.HardwareLength != MacAddress.Length || view.ProtocolLength != Ipv4Address.Length
            ? WireParseError.Malformed
            : WireParseError.None;
    }

    /// <summary>The bytes under the view.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>ar$hrd: hardware address space.</summary>
    public ushort HardwareType => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(HardwareTypeOffset));

    /// <summary>ar$pro: protocol address space, an EtherType.</summary>
    public EtherType ProtocolType => (EtherType)BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(ProtocolTypeOffset));

    /// <summary>ar$hln: bytes in a hardware address.</summary>
    public byte HardwareLength => _buffer[HardwareLengthOffset];

    /// <summary>ar$pln: bytes in a protocol address.</summary>
    public byte ProtocolLength => _buffer[ProtocolLengthOffset];

    /// <summary>ar$op.</summary>
    public ArpOperation Operation => (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(OperationOffset));

    /// <summary>ar$sha.</summary>
    public MacAddress SenderHardwareAddress => new(_buffer.Slice(SenderHardwareOffset));

    /// <summary>ar$spa.</summary>
    public Ipv4Address SenderProtocolAddress => new(_buffer.Slice(SenderProtocolOffset));

    /// <summary>ar$tha (zero in a request).</summary>
    public MacAddress TargetHardwareAddress => new(_buffer.Slice(TargetHardwareOffset));

    /// <summary>ar$tpa.</summary>
    public Ipv4Address TargetProtocolAddress => new(_buffer.Slice(TargetProtocolOffset));
}
