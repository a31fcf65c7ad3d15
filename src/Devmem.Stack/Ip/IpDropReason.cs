namespace Devmem.Stack.Ip;

/// <summary>
/// Why the interface dropped a frame or a datagram: the index of a counter in <see cref="IpCounters"/>.
/// A packet is counted once, under the first check it fails, in the order listed here.
/// </summary>
public enum IpDropReason
{
    /// <summary>Shorter than an Ethernet header.</summary>
    FrameTruncated,

    /// <summary>Addressed to another station's MAC, or to a multicast group the interface did not join.</summary>
    NotOurMac,

    /// <summary>Carries an 802.1Q tag: the interface belongs to no VLAN.</summary>
    VlanTagged,

    /// <summary>An EtherType other than ARP, IPv4 and IPv6.</summary>
    UnknownEtherType,

    /// <summary>An ARP packet that is malformed, not Ethernet/IPv4, or from a multicast sender (RFC 826; RFC 1122 §2.3.2.1).</summary>
    ArpInvalid,

    /// <summary>An ARP packet whose target is not our address (an existing entry was still refreshed, RFC 826), or IPv4 is not configured.</summary>
    ArpNotForUs,

    /// <summary>Another station's ARP packet or Neighbor Advertisement claims one of our addresses (RFC 5227 §2.4; RFC 4862 §5.4.4).</summary>
    AddressConflict,

    /// <summary>Shorter than the fixed IP header.</summary>
    Truncated,

    /// <summary>The version field disagrees with the EtherType.</summary>
    BadVersion,

    /// <summary>IHL out of range.</summary>
    BadHeaderLength,

    /// <summary>Total Length or Payload Length past the end of the frame, or shorter than the header.</summary>
    BadLength,

    /// <summary>The IPv4 header checksum does not verify.</summary>
    BadChecksum,

    /// <summary>An IPv4 option's length is invalid.</summary>
    BadOptions,

    /// <summary>Any other structural violation.</summary>
    Malformed,

    /// <summary>
    /// TTL or Hop Limit of zero: no node may send one (RFC 1122 §3.2.1.7) and a forwarder discards it
    /// (RFC 8200 §3), so it was mishandled on the way.
    /// </summary>
    ZeroHopLimit,

    /// <summary>A source that cannot send: broadcast, multicast, loopback or (IPv4) unspecified (RFC 1122 §3.2.1.3; RFC 4291 §2.5.3, §2.7).</summary>
    BadSourceAddress,

    /// <summary>Not addressed to any of our addresses (or to a group we joined), or the family is not configured.</summary>
    NotOurAddress,

    /// <summary>An IPv6 extension header that is truncated, too long for the packet, or misplaced (RFC 8200 §4).</summary>
    ExtensionHeaderInvalid,

    /// <summary>More IPv6 extension headers than <see cref="IpInterfaceOptions.MaxExtensionHeaders"/>.</summary>
    ExtensionHeadersTooDeep,

    /// <summary>
    /// A fragment. Reassembly is out of scope: the engine advertises an MSS that fits the MTU and sets
    /// DF (RFC 1191), so a conforming peer never fragments what it sends us.
    /// </summary>
    Fragment,

    /// <summary>No upper layer is registered for the protocol.</summary>
    UnknownProtocol,

    /// <summary>An ICMP or ICMPv6 message shorter than its 8-byte header.</summary>
    IcmpTruncated,

    /// <summary>An ICMP or ICMPv6 checksum that does not verify.</summary>
    IcmpBadChecksum,

    /// <summary>An ICMP message other than an echo request, with no upper layer registered for ICMP.</summary>
    IcmpUnhandled,

    /// <summary>A Neighbor Solicitation or Advertisement that fails RFC 4861 §7.1 (hop limit not 255, bad code or options, ...).</summary>
    NdpInvalid,

    /// <summary>Output: no route to the destination (sending to one of our own addresses included: there is no loopback).</summary>
    NoRoute,

    /// <summary>Output: the source is not one of our addresses, or the family is not configured.</summary>
    NoSourceAddress,

    /// <summary>Output: the datagram does not fit the MTU (the engine never fragments).</summary>
    PacketTooBig,

    /// <summary>Output: every neighbour entry is busy resolving, so no new resolution can start.</summary>
    NeighborCacheFull,

    /// <summary>Output: a packet waiting for resolution was pushed out by a newer one (RFC 4861 §7.2.2: the oldest goes).</summary>
    NeighborQueueOverflow,

    /// <summary>Output: a packet was waiting for a neighbour that never answered.</summary>
    ResolutionFailed,

    /// <summary>Output: no pool buffer was free to hold a packet while its neighbour resolves.</summary>
    PoolExhausted,

    /// <summary>Output: the frame sink had no room.</summary>
    SinkFull,
}
