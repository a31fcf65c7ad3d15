using Devmem.Stack.Wire;

namespace Devmem.Stack.Link;

/// <summary>The frame sizes a kernel-backed link must be ready for once the kernel sends GSO frames.</summary>
public static class GsoFrame
{
    /// <summary>
    /// The longest frame any IP header can describe without jumbograms: a tagged Ethernet header, an IPv6 header
    /// and a 65535-byte payload. A GSO frame from TAP or veth stays below it (gso_max_size is 64 KiB).
    /// </summary>
    public const int MaxLength = EthernetView.TaggedHeaderLength + Ipv6View.HeaderLength + ushort.MaxValue;
}
