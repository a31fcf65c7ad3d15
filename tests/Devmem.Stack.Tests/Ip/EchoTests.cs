using Devmem.Stack.Ip;
using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;
using PacketDotNet;

namespace Devmem.Stack.Tests.Ip;

/// <summary>Echo replies, checked by PacketDotNet as an independent parser.</summary>
public class EchoTests
{
    [Fact]
    public void An_icmp_echo_request_gets_a_reply_with_the_same_identifier_sequence_and_data()
    {
        var b = Hosts.B();
        b.Feed(0, GoldenFrames.ArpRequest);
        var reply = Assert.Single(b.Feed(1, GoldenFrames.Icmpv4EchoRequest));

        var request = Packet.ParsePacket(LinkLayers.Ethernet, GoldenFrames.Icmpv4EchoRequest).Extract<IcmpV4Packet>();
        var packet = Packet.ParsePacket(LinkLayers.Ethernet, reply);
        var ethernet = (EthernetPacket)packet;
        Assert.Equal(GoldenFrames.MacA.ToPhysicalAddress(), ethernet.DestinationHardwareAddress);
        Assert.Equal(GoldenFrames.MacB.ToPhysicalAddress(), ethernet.SourceHardwareAddress);
        var ip = packet.Extract<IPv4Packet>();
        Assert.True(ip.ValidIPChecksum);
        Assert.Equal(GoldenFrames.Ip4B.ToIPAddress(), ip.SourceAddress);
        Assert.Equal(GoldenFrames.Ip4A.ToIPAddress(), ip.DestinationAddress);
        Assert.Equal(64, ip.TimeToLive);
        var icmp = packet.Extract<IcmpV4Packet>();
        Assert.True(icmp.ValidIcmpChecksum);
        Assert.Equal(IcmpV4TypeCode.EchoReply, icmp.TypeCode);
        Assert.Equal(request.Id, icmp.Id);
        Assert.Equal(request.Sequence, icmp.Sequence);
        Assert.Equal(request.Data, icmp.Data);

        // The ICMP message is exactly Linux's reply; only the IP header's Identification and DF differ.
        Assert.Equal(GoldenFrames.Icmpv4EchoReply.AsSpan(34).ToArray(), reply.AsSpan(34).ToArray());
        Assert.Equal(1, b.Counters.EchoRepliesSent);
        b.AssertNoDrops();
    }

    [Fact]
    public void An_icmpv6_echo_request_gets_a_reply_with_a_valid_checksum()
    {
        var b = Hosts.B();
        b.Feed(0, GoldenFrames.NeighborSolicitation);
        var reply = Assert.Single(b.Feed(1, GoldenFrames.Icmpv6EchoRequest));

        var request = Packet.ParsePacket(LinkLayers.Ethernet, GoldenFrames.Icmpv6EchoRequest).Extract<IcmpV6Packet>();
        var packet = Packet.ParsePacket(LinkLayers.Ethernet, reply);
        var ip = packet.Extract<IPv6Packet>();
        Assert.Equal(GoldenFrames.Ip6B.ToIPAddress(), ip.SourceAddress);
        Assert.Equal(GoldenFrames.Ip6A.ToIPAddress(), ip.DestinationAddress);
        var icmp = packet.Extract<IcmpV6Packet>();
        Assert.True(icmp.ValidIcmpChecksum);
        Assert.Equal(IcmpV6Type.EchoReply, icmp.Type);
        Assert.Equal(request.PayloadData, icmp.PayloadData);
        // Linux sets a flow label; we send 0, which the checksum does not cover: the ICMPv6 bytes agree.
        Assert.Equal(GoldenFrames.Icmpv6EchoReply.AsSpan(54).ToArray(), reply.AsSpan(54).ToArray());
        b.AssertNoDrops();
    }

    [Fact]
    public void An_echo_request_from_an_unknown_neighbour_is_answered_once_the_neighbour_resolves()
    {
        var b = Hosts.B();
        var output = b.Feed(0, GoldenFrames.Icmpv4EchoRequest);
        Assert.True(ArpRepr.TryParse(Assert.Single(output).AsSpan(14), out var arp, out _));
        Assert.Equal(GoldenFrames.Ip4A, arp.TargetProtocolAddress);
        var arpReply = new ArpRepr
        {
            Operation = Devmem.Stack.Wire.ArpOperation.Reply,
            SenderHardwareAddress = GoldenFrames.MacA,
            SenderProtocolAddress = GoldenFrames.Ip4A,
            TargetHardwareAddress = GoldenFrames.MacB,
            TargetProtocolAddress = GoldenFrames.Ip4B,
        };
        var reply = Assert.Single(b.Feed(1, Craft.Arp(arpReply, GoldenFrames.MacA, GoldenFrames.MacB)));
        Assert.True(Packet.ParsePacket(LinkLayers.Ethernet, reply).Extract<IcmpV4Packet>().ValidIcmpChecksum);
    }

    [Fact]
    public void An_echo_request_to_all_nodes_is_answered_from_a_unicast_address()
    {
        var b = Hosts.B();
        b.Feed(0, GoldenFrames.NeighborSolicitation);
        var request = Craft.Icmpv6Echo(7, 1, [1, 2, 3, 4], destination: Ipv6Address.AllNodesLinkLocal,
            destinationMac: Ipv6Address.AllNodesLinkLocal.MulticastMacAddress);
        var reply = Assert.Single(b.Feed(1, request));
        var packet = Packet.ParsePacket(LinkLayers.Ethernet, reply);
        Assert.Equal(GoldenFrames.Ip6B.ToIPAddress(), packet.Extract<IPv6Packet>().SourceAddress);
        Assert.True(packet.Extract<IcmpV6Packet>().ValidIcmpChecksum);
    }

    [Fact]
    public void A_large_echo_request_fills_the_mtu_and_its_reply_does_too()
    {
        var b = Hosts.B();
        b.Feed(0, GoldenFrames.ArpRequest);
        var data = Enumerable.Range(0, 1500 - 28).Select(i => (byte)i).ToArray();
        var reply = Assert.Single(b.Feed(1, Craft.Icmpv4Echo(1, 2, data)));
        Assert.Equal(1514, reply.Length);
        var icmp = Packet.ParsePacket(LinkLayers.Ethernet, reply).Extract<IcmpV4Packet>();
        Assert.True(icmp.ValidIcmpChecksum);
        Assert.Equal(data, icmp.Data);
    }

    [Fact]
    public void Icmp_messages_other_than_echo_requests_go_to_the_registered_upper_layer()
    {
        var b = Hosts.B();
        var echoReply = Craft.Icmpv4Echo(9, 9, [5], reply: true);
        Assert.Empty(b.Feed(0, echoReply));
        b.AssertDropped(IpDropReason.IcmpUnhandled);

        var icmp = new RecordingUpperLayer();
        b.SetUpperLayer(IpProtocol.Icmp, icmp);
        b.Feed(1, echoReply);
        var (packet, frame) = Assert.Single(icmp.Received);
        Assert.Equal(IpProtocol.Icmp, packet.Protocol);
        Assert.True(Icmpv4Repr.TryParse(packet.GetPayload(frame), out var message, out _));
        Assert.Equal((Icmpv4Type.EchoReply, (ushort)9), (message.Type, message.Identifier));
        Assert.Equal(1, b.Counters.Delivered);
    }
}
