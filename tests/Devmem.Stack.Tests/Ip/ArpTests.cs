using Devmem.Stack.Ip;
using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Ip;

public class ArpTests
{
    private static readonly MacAddress MacC = new(0x0200_0000_000C);
    private static readonly Ipv4Address Ip4C = new(10, 99, 0, 3);

    [Fact]
    public void A_request_for_our_address_gets_the_reply_linux_sent_and_teaches_us_the_requester()
    {
        var b = Hosts.B();
        var output = b.Feed(0, GoldenFrames.ArpRequest);
        Assert.Equal([GoldenFrames.ArpReply], output);
        Assert.Equal(1, b.Counters.ArpRepliesSent);
        // RFC 826: we are the target, so the sender's triplet is added (as STALE: it was not confirmed).
        Assert.True(b.TryGetNeighbor(GoldenFrames.Ip4A, out var mac, out var state));
        Assert.Equal(GoldenFrames.MacA, mac);
        Assert.Equal(NeighborState.Stale, state);
        b.AssertNoDrops();
    }

    [Fact]
    public void Sending_to_an_unknown_neighbour_broadcasts_the_request_linux_sent()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        Assert.Equal(IpSendResult.Queued, a.SendBytes(GoldenFrames.Ip4B, [1, 2, 3], sink, 0));
        Assert.Equal([GoldenFrames.ArpRequest], sink.Take());
        Assert.True(a.TryGetNeighbor(GoldenFrames.Ip4B, out _, out var state));
        Assert.Equal(NeighborState.Incomplete, state);
        Assert.Equal(1, a.Counters.PacketsQueued);
        Assert.Equal(Hosts.Second, a.PollAt());
    }

    [Fact]
    public void The_reply_resolves_the_neighbour_and_sends_the_queued_packets_in_order()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        a.SendBytes(GoldenFrames.Ip4B, [1], sink, 0);
        a.SendBytes(GoldenFrames.Ip4B, [2], sink, 10);
        Assert.Single(sink.Take()); // one request, not one per packet

        var flushed = a.Feed(20, GoldenFrames.ArpReply);
        Assert.Equal(2, flushed.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(EthernetRepr.TryParse(flushed[i], out var ethernet, out _));
            Assert.Equal(GoldenFrames.MacB, ethernet.Destination);
            Assert.Equal(GoldenFrames.MacA, ethernet.Source);
            Assert.True(Ipv4Repr.TryParse(flushed[i].AsSpan(14), out var ip, out _));
            Assert.Equal(GoldenFrames.Ip4B, ip.Destination);
            Assert.Equal(i + 1, flushed[i][14 + 20]);
        }
        Assert.True(a.TryGetNeighbor(GoldenFrames.Ip4B, out var mac, out var state));
        Assert.Equal((GoldenFrames.MacB, NeighborState.Reachable), (mac, state));

        // Resolved now: the next packet goes straight out.
        Assert.Equal(IpSendResult.Sent, a.SendBytes(GoldenFrames.Ip4B, [3], sink, 30));
        Assert.Equal(3, a.Counters.PacketsSent);
        a.AssertNoDrops();
    }

    [Fact]
    public void A_full_queue_drops_the_oldest_packet_and_counts_it()
    {
        var a = Hosts.A(o => o with { Neighbors = new NeighborOptions { PendingPacketsPerNeighbor = 3 } });
        var sink = Hosts.Sink();
        for (byte i = 0; i < 5; i++)
        {
            Assert.Equal(IpSendResult.Queued, a.SendBytes(GoldenFrames.Ip4B, [i], sink, i));
        }
        a.AssertDropped(IpDropReason.NeighborQueueOverflow, 2);
        sink.Clear();
        var flushed = a.Feed(10, GoldenFrames.ArpReply);
        Assert.Equal([2, 3, 4], flushed.Select(frame => (int)frame[14 + 20]));
    }

    [Fact]
    public void Resolution_fails_after_three_requests_and_the_queued_packets_are_dropped()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        a.SendBytes(GoldenFrames.Ip4B, [1], sink, 0);
        a.SendBytes(GoldenFrames.Ip4B, [2], sink, 0);
        Assert.Equal([GoldenFrames.ArpRequest], sink.Take());

        a.Poll(Hosts.Second - 1, sink);
        Assert.Empty(sink.Take());
        a.Poll(Hosts.Second, sink);
        Assert.Equal([GoldenFrames.ArpRequest], sink.Take());
        Assert.Equal(2 * Hosts.Second, a.PollAt());
        a.Poll(2 * Hosts.Second, sink);
        Assert.Equal([GoldenFrames.ArpRequest], sink.Take());
        a.AssertNoDrops();

        a.Poll(3 * Hosts.Second, sink);
        Assert.Empty(sink.Take());
        a.AssertDropped(IpDropReason.ResolutionFailed, 2);
        Assert.Equal(3, a.Counters.ArpRequestsSent);
        Assert.False(a.TryGetNeighbor(GoldenFrames.Ip4B, out _, out _));
        Assert.Equal(IpInterface.Never, a.PollAt());

        // The pool buffers came back: a new attempt queues again and solicits afresh.
        Assert.Equal(IpSendResult.Queued, a.SendBytes(GoldenFrames.Ip4B, [3], sink, 4 * Hosts.Second));
        Assert.Equal([GoldenFrames.ArpRequest], sink.Take());
    }

    [Fact]
    public void A_request_for_another_host_updates_an_existing_entry_but_never_creates_one()
    {
        var b = Hosts.B();
        var toC = Craft.Arp(ArpRepr.Request(GoldenFrames.MacA, GoldenFrames.Ip4A, Ip4C), GoldenFrames.MacA, MacAddress.Broadcast);
        Assert.Empty(b.Feed(0, toC));
        Assert.False(b.TryGetNeighbor(GoldenFrames.Ip4A, out _, out _));
        b.AssertDropped(IpDropReason.ArpNotForUs);

        // Once A is known, RFC 826's merge updates it from any packet A sends.
        b.Feed(1, GoldenFrames.ArpRequest);
        var moved = Craft.Arp(ArpRepr.Request(MacC, GoldenFrames.Ip4A, Ip4C), MacC, MacAddress.Broadcast);
        b.Feed(2, moved);
        Assert.True(b.TryGetNeighbor(GoldenFrames.Ip4A, out var mac, out var state));
        Assert.Equal((MacC, NeighborState.Stale), (mac, state));
    }

    [Fact]
    public void A_gratuitous_arp_refreshes_a_known_neighbour_and_is_ignored_otherwise()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        var announcement = Craft.Arp(
            new ArpRepr { Operation = ArpOperation.Request, SenderHardwareAddress = MacC, SenderProtocolAddress = GoldenFrames.Ip4B, TargetProtocolAddress = GoldenFrames.Ip4B },
            MacC, MacAddress.Broadcast);
        Assert.Empty(a.Feed(0, announcement));
        Assert.False(a.TryGetNeighbor(GoldenFrames.Ip4B, out _, out _));

        a.SendBytes(GoldenFrames.Ip4B, [1], sink, 0);
        a.Feed(1, GoldenFrames.ArpReply);
        sink.Clear();
        // B moved to another NIC and announced it (RFC 5227 §3): the entry follows without a request.
        Assert.Empty(a.Feed(2, announcement));
        Assert.True(a.TryGetNeighbor(GoldenFrames.Ip4B, out var mac, out var state));
        Assert.Equal((MacC, NeighborState.Stale), (mac, state));
        Assert.Equal(IpSendResult.Sent, a.SendBytes(GoldenFrames.Ip4B, [2], sink, 3));
        Assert.True(EthernetRepr.TryParse(sink[^1], out var ethernet, out _));
        Assert.Equal(MacC, ethernet.Destination);
    }

    [Fact]
    public void A_probe_for_our_address_is_answered_and_teaches_nothing()
    {
        var b = Hosts.B();
        var probe = Craft.Arp(ArpRepr.Request(MacC, Ipv4Address.Unspecified, GoldenFrames.Ip4B), MacC, MacAddress.Broadcast);
        var output = b.Feed(0, probe);
        var reply = Assert.Single(output);
        Assert.True(ArpRepr.TryParse(reply.AsSpan(14), out var arp, out _));
        Assert.Equal(ArpOperation.Reply, arp.Operation);
        Assert.Equal((GoldenFrames.MacB, GoldenFrames.Ip4B), (arp.SenderHardwareAddress, arp.SenderProtocolAddress));
        Assert.Equal((MacC, Ipv4Address.Unspecified), (arp.TargetHardwareAddress, arp.TargetProtocolAddress));
        Assert.False(b.TryGetNeighbor(Ipv4Address.Unspecified, out _, out _));
    }

    [Fact]
    public void Another_station_claiming_our_address_is_a_conflict()
    {
        var b = Hosts.B();
        var claim = Craft.Arp(ArpRepr.Request(MacC, GoldenFrames.Ip4B, GoldenFrames.Ip4A), MacC, MacAddress.Broadcast);
        Assert.Empty(b.Feed(0, claim));
        b.AssertDropped(IpDropReason.AddressConflict);
    }

    [Fact]
    public void A_stale_entry_in_use_is_probed_by_unicast_after_the_delay_and_removed_when_probes_go_unanswered()
    {
        var a = Hosts.A();
        var sink = Hosts.Sink();
        a.SendBytes(GoldenFrames.Ip4B, [1], sink, 0);
        a.Feed(0, GoldenFrames.ArpReply);
        sink.Clear();
        Assert.Equal(30 * Hosts.Second, a.PollAt());
        a.Poll(30 * Hosts.Second, sink);
        Assert.Equal(NeighborState.Stale, NeighborStateOf(a, GoldenFrames.Ip4B));
        Assert.Equal(IpInterface.Never, a.PollAt());

        // Use while stale: the packet goes to the cached MAC at once; the probe waits five seconds
        // (RFC 4861 §7.3.3, DELAY_FIRST_PROBE_TIME) for a confirmation that does not come.
        long now = 40 * Hosts.Second;
        Assert.Equal(IpSendResult.Sent, a.SendBytes(GoldenFrames.Ip4B, [2], sink, now));
        Assert.Single(sink.Take());
        Assert.Equal(NeighborState.Delay, NeighborStateOf(a, GoldenFrames.Ip4B));
        now += 5 * Hosts.Second;
        Assert.Equal(now, a.PollAt());
        a.Poll(now, sink);
        var probe = Assert.Single(sink.Take());
        Assert.True(EthernetRepr.TryParse(probe, out var ethernet, out _));
        Assert.Equal((GoldenFrames.MacB, EtherType.Arp), (ethernet.Destination, ethernet.EtherType));
        Assert.True(ArpRepr.TryParse(probe.AsSpan(14), out var arp, out _));
        Assert.Equal(ArpRepr.Request(GoldenFrames.MacA, GoldenFrames.Ip4A, GoldenFrames.Ip4B), arp);
        Assert.Equal(NeighborState.Probe, NeighborStateOf(a, GoldenFrames.Ip4B));

        a.Poll(now + Hosts.Second, sink);
        a.Poll(now + (2 * Hosts.Second), sink);
        Assert.Equal(2, sink.Take().Count);
        a.Poll(now + (3 * Hosts.Second), sink);
        Assert.Empty(sink.Take());
        Assert.False(a.TryGetNeighbor(GoldenFrames.Ip4B, out _, out _));
        Assert.Equal(1 + 3, a.Counters.ArpRequestsSent);
    }

    [Fact]
    public void An_answered_probe_or_an_upper_layer_confirmation_makes_the_entry_reachable_again()
    {
        var a = Hosts.A(o => o with { Neighbors = new NeighborOptions { ReachableTime = TimeSpan.FromSeconds(1) } });
        var sink = Hosts.Sink();
        a.SendBytes(GoldenFrames.Ip4B, [1], sink, 0);
        a.Feed(0, GoldenFrames.ArpReply);
        a.SendBytes(GoldenFrames.Ip4B, [2], sink, 2 * Hosts.Second);
        a.Poll(7 * Hosts.Second, sink);
        Assert.Equal(NeighborState.Probe, NeighborStateOf(a, GoldenFrames.Ip4B));
        a.Feed(7 * Hosts.Second, GoldenFrames.ArpReply);
        Assert.Equal(NeighborState.Reachable, NeighborStateOf(a, GoldenFrames.Ip4B));
        Assert.Equal(8 * Hosts.Second, a.PollAt());

        // TCP's acknowledgments confirm it too (RFC 4861 §7.3.1), so no probe is sent.
        a.SendBytes(GoldenFrames.Ip4B, [3], sink, 10 * Hosts.Second);
        Assert.Equal(NeighborState.Delay, NeighborStateOf(a, GoldenFrames.Ip4B));
        a.ConfirmReachable(GoldenFrames.Ip4B, 11 * Hosts.Second);
        Assert.Equal(NeighborState.Reachable, NeighborStateOf(a, GoldenFrames.Ip4B));
        sink.Clear();
        a.Poll(15 * Hosts.Second, sink);
        Assert.Empty(sink.Take());
    }

    private static NeighborState NeighborStateOf(IpInterface host, IpAddress address)
    {
        Assert.True(host.TryGetNeighbor(address, out _, out var state));
        return state;
    }

    [Fact]
    public void Without_a_free_pool_buffer_the_packet_is_dropped_but_resolution_still_starts()
    {
        var a = Hosts.A(o => o with { PendingPacketPoolSize = 1 });
        var sink = Hosts.Sink();
        Assert.Equal(IpSendResult.Queued, a.SendBytes(GoldenFrames.Ip4B, [1], sink, 0));
        Assert.Equal(IpSendResult.Dropped, a.SendBytes(Ip4C, [2], sink, 0));
        a.AssertDropped(IpDropReason.PoolExhausted);
        Assert.Equal(2, a.Counters.ArpRequestsSent);
    }

    [Fact]
    public void When_every_entry_is_resolving_a_new_neighbour_cannot_be_resolved()
    {
        var a = Hosts.A(o => o with { Neighbors = new NeighborOptions { CacheSize = 2 } });
        var sink = Hosts.Sink();
        a.SendBytes(GoldenFrames.Ip4B, [1], sink, 0);
        a.SendBytes(Ip4C, [1], sink, 0);
        Assert.Equal(IpSendResult.Dropped, a.SendBytes(new Ipv4Address(10, 99, 0, 4), [1], sink, 0));
        a.AssertDropped(IpDropReason.NeighborCacheFull);

        // A resolved entry, by contrast, is evicted (least recently used) to make room.
        a.Feed(1, GoldenFrames.ArpReply);
        Assert.Equal(IpSendResult.Queued, a.SendBytes(new Ipv4Address(10, 99, 0, 4), [1], sink, 2));
        Assert.False(a.TryGetNeighbor(GoldenFrames.Ip4B, out _, out _));
    }
}
