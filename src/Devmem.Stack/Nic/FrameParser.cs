using Devmem.Stack.Wire;

namespace Devmem.Stack.Nic;

/// <summary>
/// The NIC's packet parser. Hardware parsers have limits: they walk a bounded number of IPv6 extension
/// headers, and many do not walk IPv4 options. A packet past those limits is still delivered, but the
/// hardware cannot split it, checksum it, or hash its ports (RSS falls back to the address 2-tuple, as the
/// Microsoft RSS spec prescribes when the TCP header is not found). The driver then finds the payload in
/// software, the way Linux's stack pulls headers from a linear skb: that walk has no depth limit.
/// </summary>
internal static class FrameParser
{
    /// <summary>The software walk's extension-header bound: far beyond any legitimate chain, within any frame.</summary>
    private const int SoftwareDepth = 64;

    /// <summary>Parses a frame at least an Ethernet header long.</summary>
    public static void Parse(ReadOnlySpan<byte> frame, int parserDepth, bool parsesIpv4Options, out ParsedFrame parsed) =>
        Parse(frame, 0, parserDepth, parsesIpv4Options, out parsed);

    /// <summary>
    /// Parses the first part of a frame whose last <paramref name="detachedLength"/> bytes lie elsewhere (a
    /// speculative header buffer, <see cref="EmulatedNic.ReceivePosted"/>). Lengths are the whole frame's; a header that runs
    /// past <paramref name="frame"/> leaves the frame unparsed, as if it carried no TCP segment.
    /// </summary>
    public static void Parse(ReadOnlySpan<byte> frame, int detachedLength, int parserDepth, bool parsesIpv4Options, out ParsedFrame parsed)
    {
        parsed = default;
        parsed.L3Offset = -1;
        parsed.L4Offset = -1;
        parsed.PayloadOffset = frame.Length + detachedLength;
        var ethernet = new EthernetView(frame);
        int l3 = ethernet.Length;
        if (frame.Length < l3)
        {
            return;
        }

        var packet = frame[l3..];
        switch (ethernet.EtherType)
        {
            case EtherType.Ipv4:
                ParseIpv4(packet, detachedLength, l3, parsesIpv4Options, ref parsed);
                break;
            case EtherType.Ipv6:
                ParseIpv6(packet, detachedLength, l3, parserDepth, ref parsed);
                break;
            default:
                break;
        }
    }

    private static void ParseIpv4(ReadOnlySpan<byte> packet, int detachedLength, int l3, bool parsesOptions, ref ParsedFrame parsed)
    {
        if (!Ipv4View.TryCreate(packet, detachedLength, out var ip, out _))
        {
            return;
        }

        parsed.L3Offset = l3;
        parsed.Tuple = new FlowTuple { IsIp = true, Source = FlowTuple.Map(ip.Source), Destination = FlowTuple.Map(ip.Destination) };
        if (ip.Protocol != IpProtocol.Tcp || ip.IsFragment)
        {
            return;
        }

        bool hardware = parsesOptions || ip.HeaderLength == Ipv4View.MinHeaderLength;
        int segmentLength = ip.TotalLength - ip.HeaderLength;
        var segment = packet.Slice(ip.HeaderLength, Math.Min(ip.TotalLength, packet.Length) - ip.HeaderLength);
        uint pseudo = hardware
            ? TcpChecksum.PseudoHeaderSumIPv4(packet[12..16], packet[16..20], segmentLength)
            : 0;
        ParseTcp(segment, segmentLength, l3 + ip.HeaderLength, hardware, pseudo, ref parsed);
    }

    private static void ParseIpv6(ReadOnlySpan<byte> packet, int detachedLength, int l3, int parserDepth, ref ParsedFrame parsed)
    {
        if (!Ipv6View.TryCreate(packet, detachedLength, out var ip, out _))
        {
            return;
        }

        parsed.L3Offset = l3;
        parsed.Tuple = new FlowTuple { IsIp = true, IsIpv6 = true, Source = ip.Source, Destination = ip.Destination };
        bool hardware = Ipv6ExtensionHeaders.TryWalk(packet, detachedLength, parserDepth, out var walk, out _) && !walk.DepthLimitReached;
        if (!hardware && !Ipv6ExtensionHeaders.TryWalk(packet, detachedLength, SoftwareDepth, out walk, out _))
        {
            return;
        }

        if (walk.UpperProtocol != IpProtocol.Tcp || walk.IsFragment)
        {
            return;
        }

        var segment = packet.Slice(walk.UpperOffset, Math.Min(walk.UpperLength, packet.Length - walk.UpperOffset));
        uint pseudo = hardware
            ? TcpChecksum.PseudoHeaderSumIPv6(packet[8..24], packet[24..40], walk.UpperLength)
            : 0;
        ParseTcp(segment, walk.UpperLength, l3 + walk.UpperOffset, hardware, pseudo, ref parsed);
    }

    // segment: the bytes of the TCP segment in the buffer; segmentLength: all of them, detached ones included.
    private static void ParseTcp(ReadOnlySpan<byte> segment, int segmentLength, int l4, bool hardware, uint pseudo, ref ParsedFrame parsed)
    {
        if (!TcpSegmentView.TryCreate(segment, out var tcp, out _))
        {
            return;
        }

        parsed.L4Offset = l4;
        parsed.PayloadOffset = l4 + tcp.HeaderLength;
        parsed.PayloadLength = segmentLength - tcp.HeaderLength;
        parsed.HardwareParsed = hardware;
        parsed.PseudoHeaderSum = pseudo;
        if (hardware)
        {
            parsed.Tuple = parsed.Tuple with { HasPorts = true, SourcePort = tcp.SourcePort, DestinationPort = tcp.DestinationPort };
        }
    }
}
