namespace Devmem.Stack.Wire;

/// <summary>
/// A parsed ARP request or reply for Ethernet/IPv4 (RFC 826). Gratuitous ARP (RFC 5227 §3) is a
/// request or reply whose sender and target protocol addresses are equal.
/// </summary>
public readonly record struct ArpRepr
{
    /// <summary>Request or reply.</summary>
    public ArpOperation Operation { get; init; }

    /// <summary>ar$sha.</summary>
    public MacAddress SenderHardwareAddress { get; init; }

    /// <summary>ar$spa.</summary>
    public Ipv4Address SenderProtocolAddress { get; init; }

    /// <summary>ar$tha (zero in a request).</summary>
    public MacAddress TargetHardwareAddress { get; init; }

    /// <summary>ar$tpa.</summary>
    public Ipv4Address TargetProtocolAddress { get; init; }

#pragma warning disable CA1822 // Instance members, like every other representation's.
    /// <summary>28.</summary>
    public int HeaderLength => ArpView.Length;

    /// <summary>Bytes <see cref="Emit"/> writes: 28.</summary>
    public int BufferLength => ArpView.Length;
#pragma warning restore CA1822

    /// <summary>A request asking who has <paramref name="target"/>.</summary>
    public static ArpRepr Request(MacAddress senderMac, Ipv4Address sender, Ipv4Address target) => new()
    {
        Operation = ArpOperation.Request,
        SenderHardwareAddress = senderMac,
        SenderProtocolAddress = sender,
        TargetProtocolAddress = target,
    };

    /// <summary>The reply to this request, from <paramref name="ourMac"/> (RFC 826, "Packet Reception": swap and fill in).</summary>
    public ArpRepr ReplyFrom(MacAddress ourMac) => new()
    {
        Operation = ArpOperation.Reply,
        SenderHardwareAddress = ourMac,
        SenderProtocolAddress = TargetProtocolAddress,
        TargetHardwareAddress = SenderHardwareAddress,
        TargetProtocolAddress = SenderProtocolAddress,
    };

    /// <summary>Parses an Ethernet/IPv4 ARP request or reply (other opcodes: UnknownProtocol).</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out ArpRepr repr, out WireParseError error)
    {
        repr = default;
        if (!ArpView.TryCreate(packet, out var view, out error))
        {
            return false;
        }
        var operation = view.Operation;
        if (operation is not (ArpOperation.Request or ArpOperation.Reply))
        {
            error = WireParseError.UnknownProtocol;
            return false;
        }
        repr = new ArpRepr
        {
            Operation = operation,
            SenderHardwareAddress = view.SenderHardwareAddress,
            SenderProtocolAddress = view.SenderProtocolAddress,
            TargetHardwareAddress = view.TargetHardwareAddress,
            TargetProtocolAddress = view.TargetProtocolAddress,
        };
        return true;
    }

    /// <summary>Writes the 28-byte packet; returns 28.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The buffer is shorter than 28 bytes.</exception>
    public int Emit(Span<byte> buffer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, ArpView.Length);
        _ = new ArpMutableView(buffer)
        {
            HardwareType = ArpView.HardwareTypeEthernet,
            ProtocolType = EtherType.Ipv4,
            HardwareLength = MacAddress.Length,
            ProtocolLength = Ipv4Address.Length,
            Operation = Operation,
            SenderHardwareAddress = SenderHardwareAddress,
            SenderProtocolAddress = SenderProtocolAddress,
            TargetHardwareAddress = TargetHardwareAddress,
            TargetProtocolAddress = TargetProtocolAddress,
        };
        return ArpView.Length;
    }
}
