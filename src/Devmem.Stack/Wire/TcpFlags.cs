namespace Devmem.Stack.Wire;

/// <summary>
/// TCP control bits (RFC 9293 §3.1, byte 13 of the header), plus AE (the low bit of byte 12, formerly
/// NS of RFC 3540, now used by Accurate ECN) so that a header read and re-emitted keeps every bit Linux sends.
/// </summary>
[Flags]
#pragma warning disable CA1028 // The wire field is 9 bits; ushort is its natural storage.
public enum TcpFlags : ushort
#pragma warning restore CA1028
{
    /// <summary>No control bits.</summary>
    None = 0,

    /// <summary>No more data from sender.</summary>
    Fin = 0x01,

    /// <summary>Synchronize sequence numbers.</summary>
    Syn = 0x02,

    /// <summary>Reset the connection.</summary>
    Rst = 0x04,

    /// <summary>Push function.</summary>
    Psh = 0x08,

    /// <summary>Acknowledgment field is significant.</summary>
    Ack = 0x10,

    /// <summary>Urgent pointer field is significant.</summary>
    Urg = 0x20,

    /// <summary>ECN-Echo (RFC 3168 §6.1).</summary>
    Ece = 0x40,

    /// <summary>Congestion Window Reduced (RFC 3168 §6.1).</summary>
    Cwr = 0x80,

    /// <summary>Accurate-ECN bit (the former NS bit, RFC 3540), the low bit of header byte 12.</summary>
    Ae = 0x100,
}
