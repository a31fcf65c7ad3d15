using Devmem.Stack.Ip;
using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Ip;

/// <summary>Next-hop choice: on-link destinations are resolved themselves, the rest through a gateway.</summary>
public class RouteTests
{
    private static readonly Ipv4Address Router4 = new(10, 99, 0, 254);
    private static readonly Ipv6Address Router6 = Ipv6Address.Parse("fe80::1");
    private static readonly MacAddress RouterMac = new(0x0200_0000_00FE);

    private static ArpRepr SolicitedTarget(byte[] frame)
    {
        Assert.True(ArpRepr.TryParse(frame.AsSpan(14), out var arp, out _));
        return arp;
    }

    [Fact]
    public void An_on_link_destination_is_resolved_itself()
    {
        var a = Hosts.A(o => o with { Ipv4Gateway = Router4 });
        var sink = Hosts.Sink();
        a.SendBytes(GoldenFrames.Ip4B, [1], sink, 0);
        Assert.Equal(GoldenFrames.Ip4B, SolicitedTarget(Assert.Single(sink.Take())).TargetProtocolAddress);
    }

    [Fact]
    public void An_off_link_destination_goes_to_the_gateways_mac_with_its_own_ip_address()
    {
        var a = Hosts.A(o => o with { Ipv4Gateway = Router4 });
        var sink = Hosts.Sink();
        var remote = new Ipv4Address(192, 0, 2, 7);
        a.SendBytes(remote, [1], sink, 0);
        Assert.Equal(Router4, SolicitedTarget(Assert.Single(sink.Take())).TargetProtocolAddress);

        var reply = Craft.Arp(new ArpRepr
        {
            Operation = ArpOperation.Reply,
            SenderHardwareAddress = RouterMac,
            SenderProtocolAddress = Router4,
            TargetHardwareAddress = GoldenFrames.MacA,
            TargetProtocolAddress = GoldenFrames.Ip4A,
        }, RouterMac, GoldenFrames.MacA);
        var frame = Assert.Single(a.Feed(1, reply));
        Assert.True(EthernetRepr.TryParse(frame, out var ethernet, out _));
        Assert.Equal(RouterMac, ethernet.Destination);
        Assert.True(Ipv4Repr.TryParse(frame.AsSpan(14), out var ip, out _));
        Assert.Equal(remote, ip.Destination);
    }

    [Fact]
    public void The_longest_matching_prefix_wins()
    {
        var otherRouter = new Ipv4Address(10, 99, 0, 253);
        var a = Hosts.A(o => o with { Ipv4Gateway = Router4, Ipv4Routes = [new Ipv4Route(new Ipv4Address(192, 0, 2, 0), 24, otherRouter)] });
        Assert.Equal([24, 24, 0], a.Ipv4Routes.Select(r => r.PrefixLength));
        var sink = Hosts.Sink();
        a.SendBytes(new Ipv4Address(192, 0, 2, 7), [1], sink, 0);
        a.SendBytes(new Ipv4Address(198, 51, 100, 1), [1], sink, 0);
        var targets = sink.Take().Select(f => SolicitedTarget(f).TargetProtocolAddress);
        Assert.Equal([otherRouter, Router4], targets);
    }

    [Fact]
    public void Without_a_route_the_datagram_is_dropped()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        Assert.Equal(IpSendResult.Dropped, a.SendBytes(new Ipv4Address(192, 0, 2, 7), [1], sink, 0));
        Assert.Equal(IpSendResult.Dropped, a.SendBytes(Ipv6Address.Parse("2001:db8::1"), [1], sink, 0));
        // There is no loopback: our own address is not a destination.
        Assert.Equal(IpSendResult.Dropped, a.SendBytes(GoldenFrames.Ip4A, [1], sink, 0));
        Assert.Equal(IpSendResult.Dropped, a.SendBytes(GoldenFrames.Ip6A, [1], sink, 0));
        a.AssertDropped(IpDropReason.NoRoute, 4);
        Assert.Empty(sink.Take());
    }

    [Fact]
    public void An_off_link_ipv6_destination_goes_through_the_link_local_gateway_from_the_global_source()
    {
        var a = Hosts.A(o => o with { Ipv6Gateway = Router6 });
        var sink = Hosts.Sink();
        var remote = Ipv6Address.Parse("2001:db8::7");
        a.SendBytes(remote, [1], sink, 0);
        var ns = Assert.Single(sink.Take());
        Assert.True(Ipv6Repr.TryParse(ns.AsSpan(14), out var ip, out _));
        Assert.Equal(Router6.SolicitedNodeMulticast, ip.Destination);
        Assert.Equal(Ipv6Address.LinkLocalFromMac(GoldenFrames.MacA), ip.Source);

        var na = Craft.Ndp(NdpRepr.NeighborAdvertisement(Router6, router: true, solicited: true, @override: true, RouterMac), Router6,
            ip.Source, RouterMac, GoldenFrames.MacA);
        var frame = Assert.Single(a.Feed(1, na));
        Assert.True(EthernetRepr.TryParse(frame, out var ethernet, out _));
        Assert.Equal(RouterMac, ethernet.Destination);
        Assert.True(Ipv6Repr.TryParse(frame.AsSpan(14), out var sent, out _));
        Assert.Equal((GoldenFrames.Ip6A, remote), (sent.Source, sent.Destination));
    }

    [Fact]
    public void Broadcast_and_multicast_destinations_need_no_resolution()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        Assert.Equal(IpSendResult.Sent, a.SendBytes(Ipv4Address.Broadcast, [1], sink, 0));
        Assert.Equal(IpSendResult.Sent, a.SendBytes(new Ipv4Address(10, 99, 0, 255), [1], sink, 0));
        Assert.Equal(IpSendResult.Sent, a.SendBytes(new Ipv4Address(224, 1, 2, 3), [1], sink, 0));
        Assert.Equal(IpSendResult.Sent, a.SendBytes(Ipv6Address.AllNodesLinkLocal, [1], sink, 0));
        var destinations = sink.Take().Select(f => new EthernetView(f).Destination);
        Assert.Equal([MacAddress.Broadcast, MacAddress.Broadcast, MacAddress.Parse("01:00:5e:01:02:03"), MacAddress.Parse("33:33:00:00:00:01")], destinations);
    }

    [Fact]
    public void A_gateway_that_is_not_on_link_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Hosts.A(o => o with { Ipv4Gateway = new Ipv4Address(192, 0, 2, 1) }));
        Assert.Throws<ArgumentException>(() => Hosts.A(o => o with { Ipv6Gateway = Ipv6Address.Parse("2001:db8::1") }));
    }

    [Fact]
    public void A_datagram_larger_than_the_mtu_or_the_sink_is_dropped_and_a_full_sink_is_counted()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink(capacity: 1);
        Assert.Equal(IpSendResult.Dropped, a.SendBytes(Ipv4Address.Broadcast, new byte[1500 - 20 + 1], sink, 0));
        Assert.Equal(IpSendResult.Dropped, a.SendBytes(Ipv4Address.Broadcast, new byte[100], new Devmem.Stack.Link.FrameBatch(1, 100), 0));
        a.AssertDropped(IpDropReason.PacketTooBig, 2);
        Assert.Equal(IpSendResult.Sent, a.SendBytes(Ipv4Address.Broadcast, new byte[1500 - 20], sink, 0));
        Assert.Equal(IpSendResult.Dropped, a.SendBytes(Ipv4Address.Broadcast, [1], sink, 0));
        Assert.Equal(1, a.Counters[IpDropReason.SinkFull]);
    }

    [Fact]
    public void An_interface_without_ipv4_has_no_ipv4_source_and_ignores_arp()
    {
        var a = Hosts.A(o => o with { Ipv4 = null });
        Assert.Null(a.Ipv4);
        Assert.Equal(IpSendResult.Dropped, a.SendBytes(GoldenFrames.Ip4B, [1], Hosts.Sink(), 0));
        Assert.False(a.TrySelectSourceAddress(GoldenFrames.Ip4B, out _));
        Assert.Empty(a.Feed(0, GoldenFrames.ArpReply));
        Assert.Equal(1, a.Counters[IpDropReason.NoSourceAddress]);
        Assert.Equal(1, a.Counters[IpDropReason.ArpNotForUs]);
    }
}
