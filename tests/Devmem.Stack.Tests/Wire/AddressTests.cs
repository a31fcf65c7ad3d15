using System.Net;
using System.Net.NetworkInformation;
using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

/// <summary>CsCheck generators shared by the wire tests.</summary>
internal static class WireGen
{
    public const long Iterations = 5_000;

    public static readonly Gen<MacAddress> Mac = Gen.ULong[0, 0xFFFF_FFFF_FFFF].Select(v => new MacAddress(v));
    public static readonly Gen<Ipv4Address> Ip4 = Gen.UInt.Select(v => new Ipv4Address(v));
    public static readonly Gen<Ipv6Address> Ip6 = Gen.Select(Gen.ULong, Gen.ULong, (h, l) => new Ipv6Address(h, l));
    public static readonly Gen<Ipv6Address> Ip6Unicast = Ip6.Where(a => !a.IsMulticast);
    public static readonly Gen<Ipv6Address> Ip6LinkLocal = Gen.ULong.Select(l => new Ipv6Address(0xFE80_0000_0000_0000, l));
}

public class AddressTests
{
    [Fact]
    public void Mac_predicates_follow_the_group_and_local_bits()
    {
        Assert.True(MacAddress.Broadcast.IsBroadcast);
        Assert.True(MacAddress.Broadcast.IsMulticast);
        Assert.False(MacAddress.Broadcast.IsUnicast);
        var multicast = MacAddress.Parse("33:33:ff:00:00:02");
        Assert.True(multicast.IsMulticast);
        Assert.False(multicast.IsBroadcast);
        var local = MacAddress.Parse("02:00:00:00:00:0a");
        Assert.True(local.IsUnicast);
        Assert.True(local.IsLocallyAdministered);
        Assert.False(MacAddress.Parse("00:1b:21:3a:4f:01").IsLocallyAdministered);
        Assert.True(MacAddress.Zero.IsZero);
        Assert.Equal(default, MacAddress.Zero);
    }

    [Theory]
    [InlineData("aa:bb:cc:dd:ee:ff", 0xAABB_CCDD_EEFFUL)]
    [InlineData("AA-BB-CC-DD-EE-0F", 0xAABB_CCDD_EE0FUL)]
    [InlineData("00:00:00:00:00:00", 0UL)]
    public void Mac_parses(string text, ulong value)
    {
        Assert.True(MacAddress.TryParse(text, out var mac));
        Assert.Equal(value, mac.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("aa:bb:cc:dd:ee")]
    [InlineData("aa:bb:cc:dd:ee:ff:00")]
    [InlineData("aa:bb-cc:dd:ee:ff")]
    [InlineData("aa:bb:cc:dd:ee:fg")]
    [InlineData("aabbccddeeff")]
    [InlineData("aa.bb.cc.dd.ee.ff")]
    public void Mac_rejects_malformed_text(string text)
    {
        Assert.False(MacAddress.TryParse(text, out _));
        Assert.Throws<FormatException>(() => MacAddress.Parse(text));
    }

    [Fact]
    public void Mac_round_trips_through_text_bytes_and_PhysicalAddress()
    {
        WireGen.Mac.Sample(mac =>
        {
            Assert.Equal(mac, MacAddress.Parse(mac.ToString()));
            Span<byte> bytes = stackalloc byte[6];
            mac.CopyTo(bytes);
            Assert.Equal(mac, new MacAddress(bytes));
            Assert.Equal(mac, MacAddress.FromPhysicalAddress(mac.ToPhysicalAddress()));
            Assert.Equal(PhysicalAddress.Parse(mac.ToString()), mac.ToPhysicalAddress());
        }, iter: WireGen.Iterations);
    }

    [Fact]
    public void Mac_rejects_values_wider_than_48_bits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MacAddress(1UL << 48));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MacAddress(new byte[5]));
    }

    [Theory]
    [InlineData("0.0.0.0", true, false, false, false, false)]
    [InlineData("255.255.255.255", false, true, false, false, false)]
    [InlineData("224.0.0.1", false, false, true, false, false)]
    [InlineData("239.255.255.255", false, false, true, false, false)]
    [InlineData("127.0.0.1", false, false, false, true, false)]
    [InlineData("127.255.0.9", false, false, false, true, false)]
    [InlineData("169.254.10.20", false, false, false, false, true)]
    [InlineData("10.99.0.1", false, false, false, false, false)]
    public void Ipv4_predicates(string text, bool unspecified, bool broadcast, bool multicast, bool loopback, bool linkLocal)
    {
        var a = Ipv4Address.Parse(text);
        Assert.Equal(unspecified, a.IsUnspecified);
        Assert.Equal(broadcast, a.IsBroadcast);
        Assert.Equal(multicast, a.IsMulticast);
        Assert.Equal(loopback, a.IsLoopback);
        Assert.Equal(linkLocal, a.IsLinkLocal);
        Assert.Equal(!unspecified && !broadcast && !multicast, a.IsUnicast);
    }

    [Theory]
    [InlineData("10.99.0.1", "10.99.0.0", 24, true)]
    [InlineData("10.99.1.1", "10.99.0.0", 24, false)]
    [InlineData("10.99.1.1", "10.99.0.0", 16, true)]
    [InlineData("192.168.0.1", "10.0.0.0", 0, true)]
    [InlineData("10.0.0.1", "10.0.0.1", 32, true)]
    [InlineData("10.0.0.2", "10.0.0.1", 32, false)]
    [InlineData("10.0.0.130", "10.0.0.128", 25, true)]
    [InlineData("10.0.0.127", "10.0.0.128", 25, false)]
    public void Ipv4_subnet_membership(string address, string prefix, int length, bool expected)
    {
        Assert.Equal(expected, Ipv4Address.Parse(address).IsInSubnet(Ipv4Address.Parse(prefix), length));
    }

    [Fact]
    public void Ipv4_subnet_masks()
    {
        Assert.Equal(Ipv4Address.Parse("255.255.255.0"), Ipv4Address.SubnetMask(24));
        Assert.Equal(Ipv4Address.Unspecified, Ipv4Address.SubnetMask(0));
        Assert.Equal(Ipv4Address.Broadcast, Ipv4Address.SubnetMask(32));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4Address.SubnetMask(33));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4Address.Loopback.IsInSubnet(Ipv4Address.Loopback, -1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.256")]
    [InlineData("1.2.3.04")]
    [InlineData("1..3.4")]
    [InlineData("1.2.3.4 ")]
    [InlineData("a.b.c.d")]
    [InlineData("1.2.3.1000")]
    [InlineData("::1")]
    public void Ipv4_rejects_malformed_text(string text)
    {
        Assert.False(Ipv4Address.TryParse(text, out _));
    }

    [Fact]
    public void Ipv4_round_trips_through_text_bytes_and_IPAddress()
    {
        WireGen.Ip4.Sample(a =>
        {
            string text = a.ToString();
            Assert.Equal(a, Ipv4Address.Parse(text));
            Assert.Equal(IPAddress.Parse(text), a.ToIPAddress());
            Assert.Equal(a, Ipv4Address.FromIPAddress(a.ToIPAddress()));
            Assert.Equal(a, Ipv4Address.FromIPAddress(a.ToIPAddress().MapToIPv6()));
            Span<byte> bytes = stackalloc byte[4];
            a.CopyTo(bytes);
            Assert.Equal(a, new Ipv4Address(bytes));
            Assert.Equal(a.ToIPAddress().GetAddressBytes(), bytes.ToArray());
        }, iter: WireGen.Iterations);
    }

    [Fact]
    public void Ipv4_value_reads_big_endian()
    {
        var a = new Ipv4Address(10, 99, 0, 1);
        Assert.Equal(0x0A63_0001u, a.Value);
        Assert.Equal("10.99.0.1", a.ToString());
        Assert.Throws<ArgumentException>(() => Ipv4Address.FromIPAddress(IPAddress.IPv6Loopback));
    }

    [Theory]
    [InlineData("::", true, false, false, false)]
    [InlineData("::1", false, true, false, false)]
    [InlineData("ff02::1", false, false, true, false)]
    [InlineData("ff05::1:3", false, false, true, false)]
    [InlineData("fe80::ff:fe00:a", false, false, false, true)]
    [InlineData("febf::1", false, false, false, true)]
    [InlineData("fec0::1", false, false, false, false)]
    [InlineData("fd00:99::1", false, false, false, false)]
    public void Ipv6_predicates(string text, bool unspecified, bool loopback, bool multicast, bool linkLocal)
    {
        var a = Ipv6Address.Parse(text);
        Assert.Equal(unspecified, a.IsUnspecified);
        Assert.Equal(loopback, a.IsLoopback);
        Assert.Equal(multicast, a.IsMulticast);
        Assert.Equal(linkLocal, a.IsLinkLocal);
        var ip = IPAddress.Parse(text);
        Assert.Equal(ip.IsIPv6Multicast, a.IsMulticast);
        Assert.Equal(ip.IsIPv6LinkLocal, a.IsLinkLocal);
        Assert.Equal(ip.IsIPv6UniqueLocal, a.IsUniqueLocal);
    }

    [Theory]
    [InlineData("fd00:99::2", "ff02::1:ff00:2", "33:33:ff:00:00:02")]
    [InlineData("fe80::ff:fe00:b", "ff02::1:ff00:b", "33:33:ff:00:00:0b")]
    [InlineData("2001:db8::1234:5678", "ff02::1:ff34:5678", "33:33:ff:34:56:78")]
    public void Ipv6_solicited_node_address_and_its_multicast_mac(string target, string solicited, string mac)
    {
        var node = Ipv6Address.Parse(target).SolicitedNodeMulticast;
        Assert.Equal(Ipv6Address.Parse(solicited), node);
        Assert.True(node.IsSolicitedNodeMulticast);
        Assert.True(node.IsMulticast);
        Assert.Equal(2, node.MulticastScope);
        Assert.Equal(MacAddress.Parse(mac), node.MulticastMacAddress);
        Assert.False(Ipv6Address.Parse(target).IsSolicitedNodeMulticast);
    }

    [Fact]
    public void Ipv6_all_nodes_maps_to_33_33_00_00_00_01()
    {
        Assert.Equal(MacAddress.Parse("33:33:00:00:00:01"), Ipv6Address.AllNodesLinkLocal.MulticastMacAddress);
        Assert.Equal(Ipv6Address.Parse("ff02::2"), Ipv6Address.AllRoutersLinkLocal);
    }

    [Fact]
    public void Ipv6_link_local_from_mac_matches_what_linux_chose()
    {
        // The captured frames: 02:00:00:00:00:0a used fe80::ff:fe00:a.
        Assert.Equal(Ipv6Address.Parse("fe80::ff:fe00:a"), Ipv6Address.LinkLocalFromMac(MacAddress.Parse("02:00:00:00:00:0a")));
        Assert.Equal(Ipv6Address.Parse("fe80::21b:21ff:fe3a:4f01"), Ipv6Address.LinkLocalFromMac(MacAddress.Parse("00:1b:21:3a:4f:01")));
    }

    [Theory]
    [InlineData("fd00:99::1", "fd00:99::", 64, true)]
    [InlineData("fd00:98::1", "fd00:99::", 64, false)]
    [InlineData("fd00:99::1", "fd00:99::", 127, true)]
    [InlineData("fd00:99::2", "fd00:99::", 127, false)]
    [InlineData("fd00:99::1", "fd00:99::1", 128, true)]
    [InlineData("2001:db8::1", "::", 0, true)]
    [InlineData("fe80::1", "fe80::", 10, true)]
    [InlineData("fec0::1", "fe80::", 10, false)]
    public void Ipv6_subnet_membership(string address, string prefix, int length, bool expected)
    {
        Assert.Equal(expected, Ipv6Address.Parse(address).IsInSubnet(Ipv6Address.Parse(prefix), length));
    }

    [Fact]
    public void Ipv6_round_trips_through_text_bytes_and_IPAddress()
    {
        WireGen.Ip6.Sample(a =>
        {
            Assert.Equal(a, Ipv6Address.Parse(a.ToString()));
            Assert.Equal(a, Ipv6Address.FromIPAddress(a.ToIPAddress()));
            Span<byte> bytes = stackalloc byte[16];
            a.CopyTo(bytes);
            Assert.Equal(a, new Ipv6Address(bytes));
            Assert.Equal(a.ToIPAddress().GetAddressBytes(), bytes.ToArray());
            Span<char> chars = stackalloc char[Ipv6Address.MaxFormattedLength];
            Assert.True(a.TryFormat(chars, out int n));
            Assert.Equal(a.ToString(), chars.Slice(0, n).ToString());
        }, iter: WireGen.Iterations);
    }

    [Fact]
    public void Ipv6_rejects_ipv4_text_and_garbage()
    {
        Assert.False(Ipv6Address.TryParse("10.0.0.1", out _));
        Assert.False(Ipv6Address.TryParse("fe80::1::2", out _));
        Assert.False(Ipv6Address.TryParse((string?)null, null, out _));
        Assert.Throws<ArgumentException>(() => Ipv6Address.FromIPAddress(IPAddress.Loopback));
    }

    [Fact]
    public void Equal_addresses_hash_equal_and_distinct_ones_rarely_collide()
    {
        var macs = new HashSet<int>();
        var v4 = new HashSet<int>();
        var v6 = new HashSet<int>();
        for (uint i = 0; i < 10_000; i++)
        {
            macs.Add(new MacAddress(0x0200_0000_0000UL + i).GetHashCode());
            v4.Add(new Ipv4Address(0x0A00_0000u + i).GetHashCode());
            v6.Add(new Ipv6Address(0xFD00_0000_0000_0000, i).GetHashCode());
            v6.Add(new Ipv6Address(0xFD00_0000_0000_0000 + i, 0).GetHashCode());
        }
        Assert.True(macs.Count > 9_990);
        Assert.True(v4.Count > 9_990);
        Assert.True(v6.Count > 19_980);
        Assert.Equal(Ipv6Address.Parse("fe80::1").GetHashCode(), Ipv6Address.Parse("fe80:0::1").GetHashCode());
        Assert.True(Ipv6Address.Parse("fe80::1") == Ipv6Address.Parse("fe80:0::1"));
        Assert.True(Ipv4Address.Loopback != Ipv4Address.Broadcast);
    }
}
