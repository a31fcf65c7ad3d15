namespace Devmem.Stack.Wire;

/// <summary>ARP opcodes (RFC 826, "ar$op"; IANA "ARP Parameters").</summary>
public enum ArpOperation : ushort
{
    /// <summary>Not a valid opcode; the default value.</summary>
    None = 0,

    /// <summary>ares_op$REQUEST.</summary>
    Request = 1,

    /// <summary>ares_op$REPLY.</summary>
    Reply = 2,
}
