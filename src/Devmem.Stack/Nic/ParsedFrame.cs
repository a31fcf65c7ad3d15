namespace Devmem.Stack.Nic;

/// <summary>Where the NIC found each layer of one frame, and what its hardware parser could reach.</summary>
internal struct ParsedFrame
{
    /// <summary>Offset of the IP header, or -1 for a frame that is not IPv4 or IPv6.</summary>
    public int L3Offset;

    /// <summary>Offset of the TCP header, or -1 when the frame carries no (first-fragment) TCP segment.</summary>
    public int L4Offset;

    /// <summary>Offset of the TCP payload; the frame's length when there is no TCP segment.</summary>
    public int PayloadOffset;

    /// <summary>TCP payload bytes (the IP length bounds them: Ethernet padding is not payload).</summary>
    public int PayloadLength;

    /// <summary>Whether the hardware parser reached the TCP payload: only then can it split and checksum.</summary>
    public bool HardwareParsed;

    /// <summary>The TCP pseudo-header partial sum, valid when <see cref="HardwareParsed"/>.</summary>
    public uint PseudoHeaderSum;

    /// <summary>What RSS and flow rules see.</summary>
    public FlowTuple Tuple;

    public readonly bool IsTcp => L4Offset >= 0;
}
