using System.Buffers.Binary;
using Devmem.Stack.Ip;
using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Ip;

/// <summary>Every input check: a frame that fails it is dropped silently and counted under its reason, once.</summary>
public class DropReasonTests
{
    private static readonly MacAddress MacC = new(0x0200_0000_000C);
    private static readonly byte[] Data = [1, 2, 3, 4, 5, 6, 7, 8];

    private static readonly Dictionary<string, (Func<byte[]> Frame, IpDropReason Reason)> Cases = new()
    {
        ["frame shorter than an Ethernet header"] = (() => new byte[13], IpDropReason.FrameTruncated),
        ["another station's MAC"] = (() => Retarget(Craft.Icmpv4Echo(1, 1, Data), MacC), IpDropReason.NotOurMac),
        ["a multicast group not joined (all-routers, captured RS)"] = (() => GoldenFrames.RouterSolicitation, IpDropReason.NotOurMac),
        ["a multicast group not joined (MLDv2, captured)"] = (() => GoldenFrames.MldV2ReportWithHopByHop, IpDropReason.NotOurMac),
        ["an 802.1Q tag"] = (VlanTagged, IpDropReason.VlanTagged),
        ["an unknown EtherType"] = (() => SetEtherType(Craft.Icmpv4Echo(1, 1, Data), 0x88B5), IpDropReason.UnknownEtherType),
        ["a truncated ARP packet"] = (() => GoldenFrames.ArpRequest[..30], IpDropReason.ArpInvalid),
        ["ARP from a multicast MAC"] = (() => Craft.Arp(ArpRepr.Request(new MacAddress(0x0100_5E00_0001), GoldenFrames.Ip4A, GoldenFrames.Ip4B),
            GoldenFrames.MacA, MacAddress.Broadcast), IpDropReason.ArpInvalid),
        ["an IPv4 packet shorter than its header"] = (() => Craft.Icmpv4Echo(1, 1, Data)[..30], IpDropReason.Truncated),
        ["an IPv6 packet shorter than its header"] = (() => Craft.Icmpv6Echo(1, 1, Data)[..50], IpDropReason.Truncated),
        ["version 6 under the IPv4 EtherType"] = (() => SetEtherType(Craft.Icmpv6Echo(1, 1, Data), (ushort)EtherType.Ipv4), IpDropReason.BadVersion),
        ["IHL 4"] = (() => EditIpv4(Craft.Icmpv4Echo(1, 1, Data), h => h[0] = 0x44), IpDropReason.BadHeaderLength),
        ["IPv4 total length past the frame"] = (() => EditIpv4(Craft.Icmpv4Echo(1, 1, Data), h => BinaryPrimitives.WriteUInt16BigEndian(h[2..], 200)), IpDropReason.BadLength),
        ["IPv6 payload length past the frame"] = (() => EditIpv6(Craft.Icmpv6Echo(1, 1, Data), h => BinaryPrimitives.WriteUInt16BigEndian(h[4..], 200)), IpDropReason.BadLength),
        ["a bad IPv4 header checksum"] = (() => Flip(Craft.Icmpv4Echo(1, 1, Data), 14 + 8), IpDropReason.BadChecksum),
        ["an IPv4 option running past the header"] = (BadOption, IpDropReason.BadOptions),
        ["TTL 0"] = (() => Craft.Icmpv4Echo(1, 1, Data, Craft.Ipv4Header(IpProtocol.Icmp) with { Ttl = 0 }), IpDropReason.ZeroHopLimit),
        ["Hop Limit 0"] = (() => EditIpv6(Craft.Icmpv6Echo(1, 1, Data), h => h[7] = 0), IpDropReason.ZeroHopLimit),
        ["an IPv4 multicast source"] = (() => Craft.Icmpv4Echo(1, 1, Data, Craft.Ipv4Header(IpProtocol.Icmp) with { Source = new Ipv4Address(224, 0, 0, 1) }), IpDropReason.BadSourceAddress),
        ["an IPv4 subnet-broadcast source"] = (() => Craft.Icmpv4Echo(1, 1, Data, Craft.Ipv4Header(IpProtocol.Icmp) with { Source = new Ipv4Address(10, 99, 0, 255) }), IpDropReason.BadSourceAddress),
        ["an IPv6 multicast source"] = (() => Craft.Icmpv6Echo(1, 1, Data, source: Ipv6Address.AllNodesLinkLocal), IpDropReason.BadSourceAddress),
        ["TCP from the unspecified IPv6 address"] = (() => Craft.Ipv6(Craft.Ipv6Header(IpProtocol.Tcp, source: Ipv6Address.Unspecified), Data), IpDropReason.BadSourceAddress),
        ["an IPv4 packet for another host"] = (() => Craft.Icmpv4Echo(1, 1, Data, Craft.Ipv4Header(IpProtocol.Icmp) with { Destination = new Ipv4Address(10, 99, 0, 3) }), IpDropReason.NotOurAddress),
        ["an IPv4 broadcast"] = (() => Craft.Icmpv4Echo(1, 1, Data, Craft.Ipv4Header(IpProtocol.Icmp) with { Destination = Ipv4Address.Broadcast }, destinationMac: MacAddress.Broadcast), IpDropReason.NotOurAddress),
        ["an IPv6 packet for another host"] = (() => Craft.Icmpv6Echo(1, 1, Data, destination: Ipv6Address.Parse("fd00:99::3")), IpDropReason.NotOurAddress),
        ["an IPv4 last fragment (captured)"] = (() => GoldenFrames.Ipv4LastFragment, IpDropReason.Fragment),
        ["an IPv4 first fragment"] = (() => Craft.Icmpv4Echo(1, 1, Data, Craft.Ipv4Header(IpProtocol.Icmp) with { MoreFragments = true }), IpDropReason.Fragment),
        ["an IPv6 non-first fragment (captured)"] = (() => GoldenFrames.Ipv6NonFirstFragment, IpDropReason.Fragment),
        ["an IPv6 first fragment"] = (() => Craft.Ipv6(Craft.Ipv6Header(IpProtocol.Fragment), [(byte)IpProtocol.Tcp, 0, 0, 1, 0, 0, 0, 9, .. Data]), IpDropReason.Fragment),
        ["an extension header longer than the payload"] = (() => Craft.Ipv6(Craft.Ipv6Header(IpProtocol.DestinationOptions), [(byte)IpProtocol.Tcp, 5, 1, 4, 0, 0, 0, 0]), IpDropReason.ExtensionHeaderInvalid),
        ["nine extension headers"] = (() => Craft.Ipv6(Craft.Ipv6Header(IpProtocol.DestinationOptions), DestinationOptionsChain(9, IpProtocol.Tcp)), IpDropReason.ExtensionHeadersTooDeep),
        ["UDP, which no upper layer takes (captured)"] = (() => GoldenFrames.Ipv4Udp, IpDropReason.UnknownProtocol),
        ["an unknown protocol over IPv6"] = (() => Craft.Ipv6(Craft.Ipv6Header((IpProtocol)253), Data), IpDropReason.UnknownProtocol),
        ["an ICMP message shorter than 8 bytes"] = (() => Craft.Ipv4(Craft.Ipv4Header(IpProtocol.Icmp), [8, 0, 0xF7, 0xFF]), IpDropReason.IcmpTruncated),
        ["an ICMPv6 message shorter than 8 bytes"] = (() => Craft.Ipv6(Craft.Ipv6Header(IpProtocol.Icmpv6), [128, 0, 0, 0]), IpDropReason.IcmpTruncated),
        ["a bad ICMP checksum"] = (() => Flip(Craft.Icmpv4Echo(1, 1, Data), -1), IpDropReason.IcmpBadChecksum),
        ["a bad ICMPv6 checksum"] = (() => Flip(Craft.Icmpv6Echo(1, 1, Data), -1), IpDropReason.IcmpBadChecksum),
        ["an ICMP echo reply with no ICMP upper layer"] = (() => Craft.Icmpv4Echo(1, 1, Data, reply: true), IpDropReason.IcmpUnhandled),
        ["an ICMPv6 echo reply with no ICMPv6 upper layer (captured)"] = (() => Retarget(GoldenFrames.Icmpv6EchoReply.ToArray(), GoldenFrames.MacA), IpDropReason.IcmpUnhandled),
        ["a Neighbor Solicitation with Hop Limit 64"] = (() => Craft.Ndp(NdpRepr.NeighborSolicitation(GoldenFrames.Ip6B, GoldenFrames.MacA),
            GoldenFrames.Ip6A, GoldenFrames.Ip6B, GoldenFrames.MacA, GoldenFrames.MacB, hopLimit: 64), IpDropReason.NdpInvalid),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Is_dropped_and_counted(string name)
    {
        var (frame, reason) = Cases[name];
        // The captured echo reply went to A: let A be the receiver for frames addressed to A's MAC.
        var host = EthernetRepr.TryParse(frame(), out var ethernet, out _) && ethernet.Destination == GoldenFrames.MacA ? Hosts.A() : Hosts.B();
        var upperLayer = new RecordingUpperLayer();
        host.SetUpperLayer(IpProtocol.Tcp, upperLayer);
        Assert.Empty(host.Feed(0, frame()));
        host.AssertDropped(reason);
        Assert.Empty(upperLayer.Received);
    }

    [Fact]
    public void Every_input_reason_has_a_case()
    {
        var inputReasons = Enum.GetValues<IpDropReason>().TakeWhile(r => r != IpDropReason.NoRoute)
            .Except([IpDropReason.ArpNotForUs, IpDropReason.AddressConflict, IpDropReason.Malformed]);
        Assert.Empty(inputReasons.Except(Cases.Values.Select(c => c.Reason)));
    }

    private static byte[] Retarget(byte[] frame, MacAddress destination)
    {
        destination.CopyTo(frame);
        return frame;
    }

    private static byte[] SetEtherType(byte[] frame, ushort etherType)
    {
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        return frame;
    }

    // Flips the low bit of the byte at `offset` (negative: from the end).
    private static byte[] Flip(byte[] frame, int offset)
    {
        frame[offset < 0 ? frame.Length + offset : offset] ^= 0x01;
        return frame;
    }

    private delegate void HeaderEdit(Span<byte> header);

    private static byte[] EditIpv4(byte[] frame, HeaderEdit edit)
    {
        edit(frame.AsSpan(EthernetView.HeaderLength));
        new Ipv4MutableView(frame.AsSpan(EthernetView.HeaderLength)).Checksum = 0;
        var header = frame.AsSpan(EthernetView.HeaderLength, Ipv4View.MinHeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], InternetChecksum.Compute(header));
        return frame;
    }

    private static byte[] EditIpv6(byte[] frame, HeaderEdit edit)
    {
        edit(frame.AsSpan(EthernetView.HeaderLength));
        return frame;
    }

    private static byte[] VlanTagged()
    {
        var plain = Craft.Icmpv4Echo(1, 1, Data);
        var frame = new byte[plain.Length + 4];
        new EthernetRepr { Destination = GoldenFrames.MacB, Source = GoldenFrames.MacA, EtherType = EtherType.Ipv4, HasVlanTag = true, VlanTci = 7 }.Emit(frame);
        plain.AsSpan(EthernetView.HeaderLength).CopyTo(frame.AsSpan(EthernetView.TaggedHeaderLength));
        return frame;
    }

    // Record Route (type 7) claiming 12 bytes in a 4-byte options area.
    private static byte[] BadOption()
    {
        var header = Craft.Ipv4Header(IpProtocol.Icmp) with { OptionsLength = 4 };
        var echo = Icmpv4Repr.EchoRequest(1, 1, 0);
        var message = new byte[echo.BufferLength];
        echo.Emit(message);
        header = header with { PayloadLength = message.Length };
        var frame = new byte[EthernetView.HeaderLength + header.BufferLength];
        new EthernetRepr { Destination = GoldenFrames.MacB, Source = GoldenFrames.MacA, EtherType = EtherType.Ipv4 }.Emit(frame);
        header.Emit(frame.AsSpan(EthernetView.HeaderLength), [7, 12, 4, 0]);
        message.CopyTo(frame.AsSpan(EthernetView.HeaderLength + header.HeaderLength));
        return frame;
    }

    // `count` Destination Options headers of 8 bytes (a PadN option each), then `upper`, then 8 data bytes.
    internal static byte[] DestinationOptionsChain(int count, IpProtocol upper)
    {
        var chain = new byte[(count * 8) + Data.Length];
        for (int i = 0; i < count; i++)
        {
            chain[i * 8] = (byte)(i == count - 1 ? upper : IpProtocol.DestinationOptions);
            chain[(i * 8) + 2] = 1; // PadN
            chain[(i * 8) + 3] = 4;
        }
        Data.CopyTo(chain.AsSpan(count * 8));
        return chain;
    }
}
