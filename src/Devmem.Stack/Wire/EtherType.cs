namespace Devmem.Stack.Wire;

/// <summary>
/// The EtherType field of an Ethernet II frame (IEEE 802.3 clause 3.2.6; values from the IEEE
/// registry). Any 16-bit value may appear on the wire: a received frame with a type not listed
/// here is simply not ours.
/// </summary>
public enum EtherType : ushort
{
    /// <summary>Internet Protocol version 4 (RFC 894).</summary>
    Ipv4 = 0x0800,

    /// <summary>Address Resolution Protocol (RFC 826).</summary>
    Arp = 0x0806,

    /// <summary>IEEE 802.1Q VLAN tag (customer VLAN): a 4-byte tag precedes the real EtherType.</summary>
    Vlan = 0x8100,

    /// <summary>Internet Protocol version 6 (RFC 2464).</summary>
    Ipv6 = 0x86DD,
}
