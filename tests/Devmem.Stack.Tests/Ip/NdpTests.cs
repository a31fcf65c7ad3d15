using Devmem.Stack.Ip;
using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Ip;

public class NdpTests
{
    private static readonly MacAddress MacC = new(0x0200_0000_000C);
    private static readonly Ipv6Address Ip6C = Ipv6Address.Parse("fd00:99::3");

    private static NdpRepr ParseNdp(byte[] frame)
    {
        Assert.True(Ipv6Repr.TryParse(frame.AsSpan(14), out var ip, out _));
        Assert.Equal(255, ip.HopLimit);
        Assert.True(NdpRepr.TryParse(frame.AsSpan(54, ip.PayloadLength), ip.Source, ip.Destination, out var nd, out var error), error.ToString());
        return nd;
    }

    [Fact]
    public void A_solicitation_for_our_address_gets_the_advertisement_linux_sent()
    {
        var b = Hosts.B();
        Assert.Equal([GoldenFrames.NeighborAdvertisement], b.Feed(0, GoldenFrames.NeighborSolicitation));
        Assert.Equal(1, b.Counters.NeighborAdvertisementsSent);
        // §7.2.3: the source link-layer option creates the sender's entry, STALE.
        Assert.True(b.TryGetNeighbor(GoldenFrames.Ip6A, out var mac, out var state));
        Assert.Equal((GoldenFrames.MacA, NeighborState.Stale), (mac, state));
        b.AssertNoDrops();
    }

    [Fact]
    public void Sending_to_an_unknown_neighbour_multicasts_the_solicitation_linux_sent()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        Assert.Equal(IpSendResult.Queued, a.SendBytes(GoldenFrames.Ip6B, [1, 2, 3], sink, 0));
        Assert.Equal([GoldenFrames.NeighborSolicitation], sink.Take());
        Assert.Equal(1, a.Counters.NeighborSolicitationsSent);
    }

    [Fact]
    public void The_advertisement_resolves_the_neighbour_and_sends_the_queued_packets()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        a.SendBytes(GoldenFrames.Ip6B, [1], sink, 0);
        a.SendBytes(GoldenFrames.Ip6B, [2], sink, 0);
        sink.Clear();
        var flushed = a.Feed(5, GoldenFrames.NeighborAdvertisement);
        Assert.Equal(2, flushed.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(EthernetRepr.TryParse(flushed[i], out var ethernet, out _));
            Assert.Equal((GoldenFrames.MacB, EtherType.Ipv6), (ethernet.Destination, ethernet.EtherType));
            Assert.True(Ipv6Repr.TryParse(flushed[i].AsSpan(14), out var ip, out _));
            Assert.Equal((GoldenFrames.Ip6A, GoldenFrames.Ip6B), (ip.Source, ip.Destination));
            Assert.Equal(i + 1, flushed[i][54]);
        }
        // Solicited flag set: REACHABLE.
        Assert.True(a.TryGetNeighbor(GoldenFrames.Ip6B, out var mac, out var state));
        Assert.Equal((GoldenFrames.MacB, NeighborState.Reachable), (mac, state));
        a.AssertNoDrops();
    }

    [Fact]
    public void Resolution_failure_drops_the_queued_packets_after_three_solicitations()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        a.SendBytes(GoldenFrames.Ip6B, [1], sink, 0);
        a.Poll(Hosts.Second, sink);
        a.Poll(2 * Hosts.Second, sink);
        Assert.Equal([GoldenFrames.NeighborSolicitation, GoldenFrames.NeighborSolicitation, GoldenFrames.NeighborSolicitation], sink.Take());
        a.Poll(3 * Hosts.Second, sink);
        a.AssertDropped(IpDropReason.ResolutionFailed);
    }

    [Fact]
    public void Another_nodes_duplicate_address_detection_gets_a_multicast_unsolicited_advertisement()
    {
        var b = Hosts.B();
        var output = Assert.Single(b.Feed(0, GoldenFrames.DadNeighborSolicitation));
        Assert.True(EthernetRepr.TryParse(output, out var ethernet, out _));
        Assert.Equal(Ipv6Address.AllNodesLinkLocal.MulticastMacAddress, ethernet.Destination);
        Assert.True(Ipv6Repr.TryParse(output.AsSpan(14), out var ip, out _));
        var linkLocal = Ipv6Address.LinkLocalFromMac(GoldenFrames.MacB);
        Assert.Equal((linkLocal, Ipv6Address.AllNodesLinkLocal), (ip.Source, ip.Destination));
        var na = ParseNdp(output);
        Assert.Equal(NdpRepr.NeighborAdvertisement(linkLocal, router: false, solicited: false, @override: true, GoldenFrames.MacB), na);
        // Nothing is learned from the unspecified source.
        Assert.False(b.TryGetNeighbor(Ipv6Address.Unspecified, out _, out _));
    }

    [Fact]
    public void A_unicast_solicitation_without_a_link_layer_option_is_answered_to_the_frames_source()
    {
        var b = Hosts.B();
        var ns = Craft.Ndp(NdpRepr.NeighborSolicitation(GoldenFrames.Ip6B, null), GoldenFrames.Ip6A, GoldenFrames.Ip6B, GoldenFrames.MacA, GoldenFrames.MacB);
        var output = Assert.Single(b.Feed(0, ns));
        Assert.True(EthernetRepr.TryParse(output, out var ethernet, out _));
        Assert.Equal(GoldenFrames.MacA, ethernet.Destination);
        Assert.True(ParseNdp(output).IsSolicited);
        Assert.False(b.TryGetNeighbor(GoldenFrames.Ip6A, out _, out _));
    }

    [Fact]
    public void A_solicitation_with_a_hop_limit_below_255_may_have_crossed_a_router_and_is_dropped()
    {
        var b = Hosts.B();
        var ns = Craft.Ndp(NdpRepr.NeighborSolicitation(GoldenFrames.Ip6B, GoldenFrames.MacA), GoldenFrames.Ip6A,
            GoldenFrames.Ip6B.SolicitedNodeMulticast, GoldenFrames.MacA, GoldenFrames.Ip6B.SolicitedNodeMulticast.MulticastMacAddress, hopLimit: 64);
        Assert.Empty(b.Feed(0, ns));
        b.AssertDropped(IpDropReason.NdpInvalid);
    }

    [Fact]
    public void A_solicitation_for_an_address_that_is_not_ours_is_not_answered()
    {
        var b = Hosts.B();
        var ns = Craft.Ndp(NdpRepr.NeighborSolicitation(Ip6C, GoldenFrames.MacA), GoldenFrames.Ip6A, GoldenFrames.Ip6B, GoldenFrames.MacA, GoldenFrames.MacB);
        Assert.Empty(b.Feed(0, ns));
        b.AssertDropped(IpDropReason.NotOurAddress);
    }

    [Fact]
    public void Advertisements_follow_the_override_rules_of_rfc_4861_section_7_2_5()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        a.SendBytes(GoldenFrames.Ip6B, [1], sink, 0);
        a.Feed(0, GoldenFrames.NeighborAdvertisement);
        byte[] Advert(bool solicited, bool @override) => Craft.Ndp(
            NdpRepr.NeighborAdvertisement(GoldenFrames.Ip6B, router: false, solicited, @override, MacC),
            GoldenFrames.Ip6B, GoldenFrames.Ip6A, MacC, GoldenFrames.MacA);

        // Override clear and a different address: the reachable entry becomes STALE, the address stays.
        a.Feed(1, Advert(solicited: false, @override: false));
        Assert.True(a.TryGetNeighbor(GoldenFrames.Ip6B, out var mac, out var state));
        Assert.Equal((GoldenFrames.MacB, NeighborState.Stale), (mac, state));

        // Override set, unsolicited: the address is replaced and the entry is STALE.
        a.Feed(2, Advert(solicited: false, @override: true));
        Assert.True(a.TryGetNeighbor(GoldenFrames.Ip6B, out mac, out state));
        Assert.Equal((MacC, NeighborState.Stale), (mac, state));

        // Solicited: REACHABLE.
        a.Feed(3, Advert(solicited: true, @override: true));
        Assert.True(a.TryGetNeighbor(GoldenFrames.Ip6B, out mac, out state));
        Assert.Equal((MacC, NeighborState.Reachable), (mac, state));
        a.AssertNoDrops();
    }

    [Fact]
    public void An_unsolicited_advertisement_for_an_unknown_neighbour_creates_nothing()
    {
        var a = Hosts.A();
        var na = Craft.Ndp(NdpRepr.NeighborAdvertisement(Ip6C, false, false, true, MacC), Ip6C, Ipv6Address.AllNodesLinkLocal, MacC,
            Ipv6Address.AllNodesLinkLocal.MulticastMacAddress);
        Assert.Empty(a.Feed(0, na));
        Assert.False(a.TryGetNeighbor(Ip6C, out _, out _));
        a.AssertNoDrops();
    }

    [Fact]
    public void An_advertisement_for_our_own_address_is_a_conflict()
    {
        var b = Hosts.B();
        var na = Craft.Ndp(NdpRepr.NeighborAdvertisement(GoldenFrames.Ip6B, false, false, true, MacC), GoldenFrames.Ip6B,
            Ipv6Address.AllNodesLinkLocal, MacC, Ipv6Address.AllNodesLinkLocal.MulticastMacAddress);
        Assert.Empty(b.Feed(0, na));
        b.AssertDropped(IpDropReason.AddressConflict);
    }

    [Fact]
    public void Link_local_destinations_are_resolved_from_the_link_local_address()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        var peer = Ipv6Address.LinkLocalFromMac(GoldenFrames.MacB);
        a.SendBytes(peer, [1], sink, 0);
        var ns = Assert.Single(sink.Take());
        Assert.True(Ipv6Repr.TryParse(ns.AsSpan(14), out var ip, out _));
        Assert.Equal(Ipv6Address.LinkLocalFromMac(GoldenFrames.MacA), ip.Source);
        Assert.Equal(peer.SolicitedNodeMulticast, ip.Destination);
        Assert.Equal(NdpRepr.NeighborSolicitation(peer, GoldenFrames.MacA), ParseNdp(ns));
    }
}
