using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Tests.Link;
using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Ip;

/// <summary>Two interfaces over an in-process link: resolution, echo, faults, and no allocation per packet.</summary>
public class PingOverMemoryLinkTests
{
    private static readonly byte[] Data = [.. Enumerable.Range(0, 56).Select(i => (byte)i)];

    private static IpSendResult Ping(IpInterface from, FrameBatch output, IpAddress to, ushort sequence, long now)
    {
        var protocol = to.Version == IpVersion.V4 ? IpProtocol.Icmp : IpProtocol.Icmpv6;
        return from.Send(new IpSendRequest { Destination = to, Protocol = protocol }, new IcmpEchoWriter(isReply: false, 0x1234, sequence, Data), output, now);
    }

    [Fact]
    public void Hosts_resolve_each_other_and_ping_both_ways_over_both_families()
    {
        using var hosts = new LinkedHosts();
        var repliesToA = new EchoReplyCounter();
        var repliesToB = new EchoReplyCounter();
        hosts.A.SetUpperLayer(IpProtocol.Icmp, repliesToA);
        hosts.A.SetUpperLayer(IpProtocol.Icmpv6, repliesToA);
        hosts.B.SetUpperLayer(IpProtocol.Icmp, repliesToB);
        hosts.B.SetUpperLayer(IpProtocol.Icmpv6, repliesToB);

        Assert.Equal(IpSendResult.Queued, Ping(hosts.A, hosts.OutA, GoldenFrames.Ip4B, 1, 0));
        Assert.Equal(IpSendResult.Queued, Ping(hosts.A, hosts.OutA, GoldenFrames.Ip6B, 2, 0));
        hosts.Run();
        Assert.Equal(2, repliesToA.Replies);

        // B learned A's addresses from A's solicitations, so those pings go out at once; A's link-local
        // address is new to B and is resolved first.
        Assert.Equal(IpSendResult.Sent, Ping(hosts.B, hosts.OutB, GoldenFrames.Ip4A, 3, 1));
        Assert.Equal(IpSendResult.Sent, Ping(hosts.B, hosts.OutB, GoldenFrames.Ip6A, 4, 1));
        Assert.Equal(IpSendResult.Queued, Ping(hosts.B, hosts.OutB, Ipv6Address.LinkLocalFromMac(GoldenFrames.MacA), 5, 1));
        hosts.Run();
        Assert.Equal(3, repliesToB.Replies);

        Assert.Equal(1, hosts.A.Counters.ArpRequestsSent);
        Assert.Equal(1, hosts.B.Counters.ArpRepliesSent);
        Assert.Equal(3, hosts.A.Counters.EchoRepliesSent);
        Assert.Equal(2, hosts.B.Counters.EchoRepliesSent);
        hosts.A.AssertNoDrops();
        hosts.B.AssertNoDrops();
    }

    [Fact]
    public void Every_corrupted_frame_is_caught_by_a_checksum_or_a_header_check()
    {
        using var hosts = new LinkedHosts(new MemoryLinkOptions { AToBFaults = new FaultInjectorOptions { Seed = 17, CorruptRate = 0.3 } });
        var replies = new EchoReplyCounter();
        hosts.A.SetUpperLayer(IpProtocol.Icmp, replies);
        hosts.Introduce();
        const int Pings = 500;
        for (int i = 0; i < Pings; i++)
        {
            Assert.Equal(IpSendResult.Sent, Ping(hosts.A, hosts.OutA, GoldenFrames.Ip4B, (ushort)i, 0));
            hosts.Run();
        }
        long corrupted = hosts.Link.A.TransmitFaults!.Corrupted;
        Assert.InRange(corrupted, 100, 200);
        Assert.Equal(corrupted, hosts.B.Counters.TotalDrops);
        Assert.Equal(Pings - corrupted, replies.Replies);
        Assert.Equal(corrupted, hosts.B.Counters[IpDropReason.BadChecksum] + hosts.B.Counters[IpDropReason.IcmpBadChecksum]
            + hosts.B.Counters[IpDropReason.BadVersion] + hosts.B.Counters[IpDropReason.BadHeaderLength] + hosts.B.Counters[IpDropReason.BadLength]);
    }

    [Fact]
    public void Pings_lost_either_way_are_exactly_the_replies_missing()
    {
        using var hosts = new LinkedHosts(new MemoryLinkOptions
        {
            AToBFaults = new FaultInjectorOptions { Seed = 1, LossRate = 0.1 },
            BToAFaults = new FaultInjectorOptions { Seed = 2, LossRate = 0.1 },
        });
        var replies = new EchoReplyCounter();
        hosts.A.SetUpperLayer(IpProtocol.Icmpv6, replies);
        hosts.Introduce();
        for (int i = 0; i < 1000; i++)
        {
            Ping(hosts.A, hosts.OutA, GoldenFrames.Ip6B, (ushort)i, 0);
            hosts.Run();
        }
        long lost = hosts.Link.A.TransmitFaults!.Lost + hosts.Link.B.TransmitFaults!.Lost;
        Assert.InRange(lost, 120, 260);
        Assert.Equal(1000 - lost, replies.Replies);
    }

    [Fact]
    public void A_delayed_link_delivers_the_reply_when_the_clock_allows()
    {
        var clock = new ManualTimeProvider();
        using var hosts = new LinkedHosts(new MemoryLinkOptions
        {
            AToBFaults = new FaultInjectorOptions { Latency = TimeSpan.FromMilliseconds(20) },
            TimeProvider = clock,
        });
        var replies = new EchoReplyCounter();
        hosts.A.SetUpperLayer(IpProtocol.Icmp, replies);
        hosts.Introduce();
        Ping(hosts.A, hosts.OutA, GoldenFrames.Ip4B, 1, 0);
        hosts.Run();
        Assert.Equal(0, replies.Replies);
        clock.Advance(TimeSpan.FromMilliseconds(20));
        hosts.Run();
        Assert.Equal(1, replies.Replies);
    }

    [Fact]
    public void A_steady_ping_loop_allocates_nothing_per_packet()
    {
        using var hosts = new LinkedHosts();
        var replies = new EchoReplyCounter();
        foreach (var host in new[] { hosts.A, hosts.B })
        {
            host.SetUpperLayer(IpProtocol.Icmp, replies);
            host.SetUpperLayer(IpProtocol.Icmpv6, replies);
        }
        void Loop(int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                ushort sequence = (ushort)i;
                Ping(hosts.A, hosts.OutA, GoldenFrames.Ip4B, sequence, hosts.Now);
                Ping(hosts.A, hosts.OutA, GoldenFrames.Ip6B, sequence, hosts.Now);
                Ping(hosts.B, hosts.OutB, GoldenFrames.Ip4A, sequence, hosts.Now);
                Ping(hosts.B, hosts.OutB, GoldenFrames.Ip6A, sequence, hosts.Now);
                hosts.Run();
                hosts.A.Poll(hosts.Now, hosts.OutA);
                hosts.B.Poll(hosts.Now, hosts.OutB);
                hosts.Now += 1000;
            }
        }
        Loop(200); // resolution, JIT, probes of stale entries
        int before = replies.Replies;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Loop(2000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(0, allocated);
        Assert.Equal(4 * 2000, replies.Replies - before);
        hosts.A.AssertNoDrops();
        hosts.B.AssertNoDrops();
    }
}
