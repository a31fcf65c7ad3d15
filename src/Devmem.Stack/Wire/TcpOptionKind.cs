namespace Devmem.Stack.Wire;

/// <summary>TCP option kinds this stack understands (IANA "TCP Option Kind Numbers").</summary>
#pragma warning disable CA1028 // One byte on the wire.
public enum TcpOptionKind : byte
#pragma warning restore CA1028
{
    /// <summary>End of option list (RFC 9293 §3.2), single byte.</summary>
    EndOfList = 0,

    /// <summary>No-operation (RFC 9293 §3.2), single byte, used for alignment.</summary>
    NoOperation = 1,

    /// <summary>Maximum segment size (RFC 9293 §3.7.1), length 4.</summary>
    MaximumSegmentSize = 2,

    /// <summary>Window scale (RFC 7323 §2.2), length 3.</summary>
    WindowScale = 3,

    /// <summary>SACK permitted (RFC 2018 §2), length 2.</summary>
    SackPermitted = 4,

    /// <summary>SACK blocks (RFC 2018 §3), length 2 + 8n.</summary>
    Sack = 5,

    /// <summary>Timestamps (RFC 7323 §3.2), length 10.</summary>
    Timestamps = 8,
}
