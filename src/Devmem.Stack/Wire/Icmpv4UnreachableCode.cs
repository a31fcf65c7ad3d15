namespace Devmem.Stack.Wire;

/// <summary>Destination Unreachable codes (RFC 792; RFC 1191 for code 4; RFC 1812 §5.2.7.1).</summary>
public enum Icmpv4UnreachableCode : byte
{
    /// <summary>Net unreachable.</summary>
    NetUnreachable = 0,

    /// <summary>Host unreachable.</summary>
    HostUnreachable = 1,

    /// <summary>Protocol unreachable: sent by the destination host for an unknown protocol.</summary>
    ProtocolUnreachable = 2,

    /// <summary>Port unreachable: sent by the destination host for a closed UDP port.</summary>
    PortUnreachable = 3,

    /// <summary>Fragmentation needed and DF set; the next-hop MTU is in the low 16 bits (RFC 1191 §4).</summary>
    FragmentationNeeded = 4,

    /// <summary>Source route failed.</summary>
    SourceRouteFailed = 5,

    /// <summary>Communication administratively prohibited (RFC 1812).</summary>
    AdministrativelyProhibited = 13,
}
