namespace Devmem.Stack.Wire;

/// <summary>ICMP message types (RFC 792; IANA "ICMP Type Numbers"). Any byte may appear on the wire.</summary>
public enum Icmpv4Type : byte
{
    /// <summary>Echo Reply (RFC 792, "Echo or Echo Reply Message").</summary>
    EchoReply = 0,

    /// <summary>Destination Unreachable (RFC 792); codes in <see cref="Icmpv4UnreachableCode"/>.</summary>
    DestinationUnreachable = 3,

    /// <summary>Redirect (RFC 792).</summary>
    Redirect = 5,

    /// <summary>Echo Request (RFC 792).</summary>
    EchoRequest = 8,

    /// <summary>Time Exceeded (RFC 792): code 0 TTL exceeded in transit, 1 reassembly time exceeded.</summary>
    TimeExceeded = 11,

    /// <summary>Parameter Problem (RFC 792).</summary>
    ParameterProblem = 12,
}
