using System.Text;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

/// <summary>
/// Frames captured from real Linux traffic (kernel 6.18), as golden bytes. How they were made:
/// two network namespaces joined by a veth pair, MACs 02:00:00:00:00:0a / :0b, addresses
/// 10.99.0.1 / 10.99.0.2 and fd00:99::1 / fd00:99::2 (nodad), `tcpdump -i vwa -w` on the first end
/// while running `ping`, `ping -6`, `ping -R`, `ping -s 1300` (MTU 1280, for fragments) and
/// `echo hi &gt; /dev/udp/ADDR/9` (a closed port, for ICMP errors) between the ends; bytes from
/// `tcpdump -xx -r`. The namespaces were deleted afterwards.
/// </summary>
internal static class GoldenFrames
{
    public static readonly MacAddress MacA = new(0x0200_0000_000A);
    public static readonly MacAddress MacB = new(0x0200_0000_000B);
    public static readonly Ipv4Address Ip4A = new(10, 99, 0, 1);
    public static readonly Ipv4Address Ip4B = new(10, 99, 0, 2);
    public static readonly Ipv6Address Ip6A = Ipv6Address.Parse("fd00:99::1");
    public static readonly Ipv6Address Ip6B = Ipv6Address.Parse("fd00:99::2");

    /// <summary>ARP request: who has 10.99.0.2, tell 10.99.0.1 (broadcast). 42 bytes.</summary>
    public static readonly byte[] ArpRequest = Hex("""
        ffff ffff ffff 0200 0000 000a 0806 0001
        0800 0604 0001 0200 0000 000a 0a63 0001
        0000 0000 0000 0a63 0002
        """);

    /// <summary>ARP reply: 10.99.0.2 is at 02:00:00:00:00:0b. 42 bytes.</summary>
    public static readonly byte[] ArpReply = Hex("""
        0200 0000 000a 0200 0000 000b 0806 0001
        0800 0604 0002 0200 0000 000b 0a63 0002
        0200 0000 000a 0a63 0001
        """);

    /// <summary>ICMP echo request 10.99.0.1 > 10.99.0.2, id 3927 seq 1, TTL 64, DF, id 54641, 16 data bytes (`ping -c1 -s16`). 58 bytes.</summary>
    public static readonly byte[] Icmpv4EchoRequest = Hex("""
        0200 0000 000b 0200 0000 000a 0800 4500
        002c d571 4000 4001 5097 0a63 0001 0a63
        0002 0800 b50c 0f57 0001 5762 076b 0000
        0000 cbcd 0900 0000 0000
        """);

    /// <summary>ICMP echo reply 10.99.0.2 > 10.99.0.1, id 3927 seq 1, IP id 41933, no flags. 58 bytes.</summary>
    public static readonly byte[] Icmpv4EchoReply = Hex("""
        0200 0000 000a 0200 0000 000b 0800 4500
        002c a3cd 0000 4001 c23b 0a63 0002 0a63
        0001 0000 bd0c 0f57 0001 5762 076b 0000
        0000 cbcd 0900 0000 0000
        """);

    /// <summary>ICMP echo request with TOS 0x10 (DSCP 4), TTL 17, IP id 0, DF (`ping -Q 0x10 -t 17 -M do`). 58 bytes.</summary>
    public static readonly byte[] Icmpv4EchoRequestTos = Hex("""
        0200 0000 000b 0200 0000 000a 0800 4510
        002c 0000 4000 1101 54f9 0a63 0001 0a63
        0002 0800 0bdd 0f59 0001 5762 076b 0000
        0000 74fb 0900 0000 0000
        """);

    /// <summary>ICMP echo request with IPv4 options NOP + Record Route (IHL 15; `ping -R`). 90 bytes.</summary>
    public static readonly byte[] Ipv4RecordRouteRequest = Hex("""
        0200 0000 000b 0200 0000 000a 0800 4f00
        004c 2185 4000 4001 c7f0 0a63 0001 0a63
        0002 0107 2708 0a63 0001 0000 0000 0000
        0000 0000 0000 0000 0000 0000 0000 0000
        0000 0000 0000 0000 0000 0800 dc5a 0f94
        0001 0001 0203 0405 0607
        """);

    /// <summary>The echo reply: Record Route (length 39) then End of Option List. 90 bytes.</summary>
    public static readonly byte[] Ipv4RecordRouteReply = Hex("""
        0200 0000 000a 0200 0000 000b 0800 4f00
        004c b129 0000 4001 6579 0a63 0002 0a63
        0001 0727 100a 6300 010a 6300 020a 6300
        0200 0000 0000 0000 0000 0000 0000 0000
        0000 0000 0000 0000 0000 0000 e45a 0f94
        0001 0001 0203 0405 0607
        """);

    /// <summary>Last fragment of a 1308-byte ICMP echo request over MTU 1280: offset 1256, MF clear, 52 bytes. 86 bytes.</summary>
    public static readonly byte[] Ipv4LastFragment = Hex("""
        0200 0000 000b 0200 0000 000a 0800 4500
        0048 2186 009d 4001 43ca 0a63 0001 0a63
        0002 e0e1 e2e3 e4e5 e6e7 e8e9 eaeb eced
        eeef f0f1 f2f3 f4f5 f6f7 f8f9 fafb fcfd
        feff 0001 0203 0405 0607 0809 0a0b 0c0d
        0e0f 1011 1213
        """);

    /// <summary>UDP datagram 10.99.0.1:60704 > 10.99.0.2:9 with 3 data bytes (`echo hi > /dev/udp/...`). 45 bytes.</summary>
    public static readonly byte[] Ipv4Udp = Hex("""
        0200 0000 000b 0200 0000 000a 0800 4500
        001f 0149 4000 4011 24bd 0a63 0001 0a63
        0002 ed20 0009 000b 14e5 6869 0a
        """);

    /// <summary>ICMP port unreachable for it, quoting its IPv4 header and all 11 UDP bytes (TOS 0xc0). 73 bytes.</summary>
    public static readonly byte[] Icmpv4PortUnreachable = Hex("""
        0200 0000 000a 0200 0000 000b 0800 45c0
        003b b12c 0000 4001 b40d 0a63 0002 0a63
        0001 0303 8879 0000 0000 4500 001f 0149
        4000 4011 24bd 0a63 0001 0a63 0002 ed20
        0009 000b 14e5 6869 0a
        """);

    /// <summary>NS fd00:99::1 > ff02::1:ff00:2, who has fd00:99::2, source link-layer option 02:00:00:00:00:0a. 86 bytes.</summary>
    public static readonly byte[] NeighborSolicitation = Hex("""
        3333 ff00 0002 0200 0000 000a 86dd 6000
        0000 0020 3aff fd00 0099 0000 0000 0000
        0000 0000 0001 ff02 0000 0000 0000 0000
        0001 ff00 0002 8700 7c5c 0000 0000 fd00
        0099 0000 0000 0000 0000 0000 0002 0101
        0200 0000 000a
        """);

    /// <summary>NA fd00:99::2 > fd00:99::1, target fd00:99::2, flags S and O, target link-layer option 02:00:00:00:00:0b. 86 bytes.</summary>
    public static readonly byte[] NeighborAdvertisement = Hex("""
        0200 0000 000a 0200 0000 000b 86dd 6000
        0000 0020 3aff fd00 0099 0000 0000 0000
        0000 0000 0002 fd00 0099 0000 0000 0000
        0000 0000 0001 8800 1ac6 6000 0000 fd00
        0099 0000 0000 0000 0000 0000 0002 0201
        0200 0000 000b
        """);

    /// <summary>ICMPv6 echo request fd00:99::1 > fd00:99::2, id 3928 seq 1, flow label 0x18ca6, hop limit 64. 78 bytes.</summary>
    public static readonly byte[] Icmpv6EchoRequest = Hex("""
        0200 0000 000b 0200 0000 000a 86dd 6001
        8ca6 0018 3a40 fd00 0099 0000 0000 0000
        0000 0000 0001 fd00 0099 0000 0000 0000
        0000 0000 0002 8000 4a68 0f58 0001 5762
        076b 0000 0000 c2e7 0900 0000 0000
        """);

    /// <summary>ICMPv6 echo reply fd00:99::2 > fd00:99::1, id 3928 seq 1, flow label 0x0c4fd. 78 bytes.</summary>
    public static readonly byte[] Icmpv6EchoReply = Hex("""
        0200 0000 000a 0200 0000 000b 86dd 6000
        c4fd 0018 3a40 fd00 0099 0000 0000 0000
        0000 0000 0002 fd00 0099 0000 0000 0000
        0000 0000 0001 8100 4968 0f58 0001 5762
        076b 0000 0000 c2e7 0900 0000 0000
        """);

    /// <summary>Duplicate address detection NS :: > ff02::1:ff00:b for fe80::ff:fe00:b, with a Nonce option (type 14). 86 bytes.</summary>
    public static readonly byte[] DadNeighborSolicitation = Hex("""
        3333 ff00 000b 0200 0000 000b 86dd 6000
        0000 0020 3aff 0000 0000 0000 0000 0000
        0000 0000 0000 ff02 0000 0000 0000 0000
        0001 ff00 000b 8700 d03d 0000 0000 fe80
        0000 0000 0000 0000 00ff fe00 000b 0e01
        d1aa 9b08 3217
        """);

    /// <summary>RS fe80::ff:fe00:a > ff02::2 with source link-layer option 02:00:00:00:00:0a. 70 bytes.</summary>
    public static readonly byte[] RouterSolicitation = Hex("""
        3333 0000 0002 0200 0000 000a 86dd 6000
        0000 0010 3aff fe80 0000 0000 0000 0000
        00ff fe00 000a ff02 0000 0000 0000 0000
        0000 0000 0002 8500 7b1a 0000 0000 0101
        0200 0000 000a
        """);

    /// <summary>MLDv2 report fe80::ff:fe00:a > ff02::16 behind a Hop-by-Hop header (Router Alert, PadN). 110 bytes.</summary>
    public static readonly byte[] MldV2ReportWithHopByHop = Hex("""
        3333 0000 0016 0200 0000 000a 86dd 6000
        0000 0038 0001 fe80 0000 0000 0000 0000
        00ff fe00 000a ff02 0000 0000 0000 0000
        0000 0000 0016 3a00 0502 0000 0100 8f00
        6fda 0000 0002 0400 0000 ff02 0000 0000
        0000 0000 0001 ff00 000a 0400 0000 ff02
        0000 0000 0000 0000 0001 ff00 0001
        """);

    /// <summary>Second fragment of a 1308-byte ICMPv6 echo request over MTU 1280: Fragment header, offset 1232, M clear, id 0x8b8882b3. 138 bytes.</summary>
    public static readonly byte[] Ipv6NonFirstFragment = Hex("""
        0200 0000 000b 0200 0000 000a 86dd 6001
        8ca6 0054 2c40 fd00 0099 0000 0000 0000
        0000 0000 0001 fd00 0099 0000 0000 0000
        0000 0000 0002 3a00 04d0 8b88 82b3 c8c9
        cacb cccd cecf d0d1 d2d3 d4d5 d6d7 d8d9
        dadb dcdd dedf e0e1 e2e3 e4e5 e6e7 e8e9
        eaeb eced eeef f0f1 f2f3 f4f5 f6f7 f8f9
        fafb fcfd feff 0001 0203 0405 0607 0809
        0a0b 0c0d 0e0f 1011 1213
        """);

    /// <summary>ICMPv6 port unreachable fd00:99::2 > fd00:99::1 quoting the UDP datagram that caused it. 113 bytes.</summary>
    public static readonly byte[] Icmpv6PortUnreachable = Hex("""
        0200 0000 000a 0200 0000 000b 86dd 600b
        36e2 003b 3a40 fd00 0099 0000 0000 0000
        0000 0000 0002 fd00 0099 0000 0000 0000
        0000 0000 0001 0104 27d2 0000 0000 6006
        2b57 000b 1140 fd00 0099 0000 0000 0000
        0000 0000 0001 fd00 0099 0000 0000 0000
        0000 0000 0002 d5cd 0009 000b fb52 6869
        0a
        """);
    public static IEnumerable<(string Name, byte[] Frame)> All()
    {
        foreach (var field in typeof(GoldenFrames).GetFields())
        {
            if (field.FieldType == typeof(byte[]))
            {
                yield return (field.Name, (byte[])field.GetValue(null)!);
            }
        }
    }

    private static byte[] Hex(string text)
    {
        var digits = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                digits.Append(c);
            }
        }
        return Convert.FromHexString(digits.ToString());
    }
}

public class EthernetGoldenFramesTests
{
    public static TheoryData<string> FrameNames()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in GoldenFrames.All())
        {
            data.Add(name);
        }
        return data;
    }

    private static byte[] Frame(string name) => GoldenFrames.All().Single(f => f.Name == name).Frame;

    [Theory]
    [MemberData(nameof(FrameNames))]
    public void Every_captured_frame_parses_and_re_emits_its_ethernet_header(string name)
    {
        byte[] frame = Frame(name);
        Assert.True(EthernetRepr.TryParse(frame, out var repr, out var error));
        Assert.Equal(WireParseError.None, error);
        Assert.False(repr.HasVlanTag);
        Assert.Contains(repr.EtherType, new[] { EtherType.Ipv4, EtherType.Arp, EtherType.Ipv6 });
        Assert.True(repr.Source == GoldenFrames.MacA || repr.Source == GoldenFrames.MacB);
        var emitted = new byte[EthernetView.HeaderLength];
        Assert.Equal(14, repr.Emit(emitted));
        Assert.Equal(frame.AsSpan(0, 14).ToArray(), emitted);
    }

    [Fact]
    public void Ipv6_multicast_frames_go_to_the_33_33_mac_of_their_destination()
    {
        foreach (var frame in new[] { GoldenFrames.NeighborSolicitation, GoldenFrames.RouterSolicitation, GoldenFrames.MldV2ReportWithHopByHop })
        {
            Assert.True(EthernetRepr.TryParse(frame, out var eth, out _));
            Assert.True(Ipv6Repr.TryParse(frame.AsSpan(eth.HeaderLength), out var ip, out _));
            Assert.True(ip.Destination.IsMulticast);
            Assert.Equal(ip.Destination.MulticastMacAddress, eth.Destination);
            Assert.True(eth.Destination.IsMulticast);
        }
    }
}
