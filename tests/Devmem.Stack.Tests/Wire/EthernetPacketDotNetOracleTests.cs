using System.Net;
using CsCheck;
using Devmem.Stack.Wire;
using PacketDotNet;
using PacketDotNet.Ndp;

namespace Devmem.Stack.Tests.Wire;

/// <summary>
/// PacketDotNet as an independent parser: frames emitted by our code are parsed by it and every
/// field and checksum compared.
/// </summary>
public class EthernetPacketDotNetOracleTests
{
    private const long Iterations = 2_000;

    private static int EmitEthernet(Span<byte> frame, MacAddress src, MacAddress dst, Devmem.Stack.Wire.EtherType type) =>
        new EthernetRepr { Source = src, Destination = dst, EtherType = type }.Emit(frame);

    [Fact]
    public void Arp_frames()
    {
        Gen.Select(ArpTests.Repr, WireGen.Mac).Sample((arp, dst) =>
        {
            var frame = new byte[14 + arp.BufferLength];
            int at = EmitEthernet(frame, arp.SenderHardwareAddress, dst, Devmem.Stack.Wire.EtherType.Arp);
            arp.Emit(frame.AsSpan(at));

            var eth = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame);
            Assert.Equal(PacketDotNet.EthernetType.Arp, eth.Type);
            Assert.Equal(dst.ToPhysicalAddress(), eth.DestinationHardwareAddress);
            var theirs = eth.Extract<ArpPacket>();
            Assert.NotNull(theirs);
            Assert.Equal(arp.Operation == Devmem.Stack.Wire.ArpOperation.Request ? PacketDotNet.ArpOperation.Request : PacketDotNet.ArpOperation.Response,
                theirs.Operation);
            Assert.Equal(LinkLayers.Ethernet, theirs.HardwareAddressType);
            Assert.Equal(PacketDotNet.EthernetType.IPv4, theirs.ProtocolAddressType);
            Assert.Equal(arp.SenderHardwareAddress.ToPhysicalAddress(), theirs.SenderHardwareAddress);
            Assert.Equal(arp.SenderProtocolAddress.ToIPAddress(), theirs.SenderProtocolAddress);
            Assert.Equal(arp.TargetHardwareAddress.ToPhysicalAddress(), theirs.TargetHardwareAddress);
            Assert.Equal(arp.TargetProtocolAddress.ToIPAddress(), theirs.TargetProtocolAddress);
        }, iter: Iterations);
    }

    [Fact]
    public void Ipv4_headers_with_random_fields()
    {
        Ipv4Tests.Repr.Select(r => r with { PayloadLength = r.PayloadLength % 2000 }).Sample(ip =>
        {
            var frame = new byte[14 + ip.BufferLength];
            int at = EmitEthernet(frame, GoldenFrames.MacA, GoldenFrames.MacB, Devmem.Stack.Wire.EtherType.Ipv4);
            ip.Emit(frame.AsSpan(at));

            var theirs = Packet.ParsePacket(LinkLayers.Ethernet, frame).Extract<IPv4Packet>();
            Assert.NotNull(theirs);
            Assert.Equal(ip.Source.ToIPAddress(), theirs.SourceAddress);
            Assert.Equal(ip.Destination.ToIPAddress(), theirs.DestinationAddress);
            Assert.Equal(ip.HeaderLength / 4, theirs.HeaderLength);
            Assert.Equal(ip.BufferLength, theirs.TotalLength);
            Assert.Equal(ip.Ttl, theirs.TimeToLive);
            Assert.Equal((byte)ip.Protocol, (byte)theirs.Protocol);
            Assert.Equal(ip.Identification, theirs.Id);
            Assert.Equal((ip.Dscp << 2) | ip.Ecn, theirs.TypeOfService);
            Assert.Equal((ip.DontFragment ? 2 : 0) | (ip.MoreFragments ? 1 : 0), theirs.FragmentFlags);
            Assert.Equal(ip.FragmentOffset / 8, theirs.FragmentOffset);
            Assert.True(theirs.ValidIPChecksum);
        }, iter: Iterations);
    }

    [Fact]
    public void Icmpv4_echo_in_ipv4()
    {
        Gen.Select(WireGen.Ip4, WireGen.Ip4, Gen.Bool, Gen.UShort, Gen.UShort, Gen.Byte.Array[0, 200], Gen.Byte[1, 255])
            .Sample((src, dst, reply, id, seq, data, ttl) =>
            {
                var echo = Icmpv4Repr.EchoRequest(id, seq, data.Length);
                if (reply)
                {
                    echo = echo.ToEchoReply();
                }
                var ip = new Ipv4Repr { Source = src, Destination = dst, Protocol = IpProtocol.Icmp, Ttl = ttl, PayloadLength = echo.BufferLength };
                var frame = new byte[14 + ip.BufferLength];
                int at = EmitEthernet(frame, GoldenFrames.MacA, GoldenFrames.MacB, Devmem.Stack.Wire.EtherType.Ipv4);
                at += ip.Emit(frame.AsSpan(at));
                echo.Emit(frame.AsSpan(at), data);

                var packet = Packet.ParsePacket(LinkLayers.Ethernet, frame);
                var theirs = packet.Extract<IcmpV4Packet>();
                Assert.NotNull(theirs);
                Assert.Equal(reply ? IcmpV4TypeCode.EchoReply : IcmpV4TypeCode.EchoRequest, theirs.TypeCode);
                Assert.Equal(id, theirs.Id);
                Assert.Equal(seq, theirs.Sequence);
                Assert.Equal(data, theirs.Data);
                Assert.True(theirs.ValidIcmpChecksum);
                Assert.True(packet.Extract<IPv4Packet>().ValidIPChecksum);
            }, iter: Iterations);
    }

    [Fact]
    public void Icmpv6_echo_in_ipv6()
    {
        Gen.Select(Ipv6Tests.Repr, Gen.Bool, Gen.UShort, Gen.UShort, Gen.Byte.Array[0, 200])
            .Sample((header, reply, id, seq, data) =>
            {
                var echo = Icmpv6Repr.EchoRequest(id, seq, data.Length);
                if (reply)
                {
                    echo = echo.ToEchoReply();
                }
                var ip = header with { NextHeader = IpProtocol.Icmpv6, PayloadLength = echo.BufferLength };
                var frame = new byte[14 + ip.BufferLength];
                int at = EmitEthernet(frame, GoldenFrames.MacA, GoldenFrames.MacB, Devmem.Stack.Wire.EtherType.Ipv6);
                at += ip.Emit(frame.AsSpan(at));
                echo.Emit(frame.AsSpan(at), data, ip.Source, ip.Destination);

                var packet = Packet.ParsePacket(LinkLayers.Ethernet, frame);
                var theirIp = packet.Extract<IPv6Packet>();
                Assert.NotNull(theirIp);
                Assert.Equal(ip.Source.ToIPAddress(), theirIp.SourceAddress);
                Assert.Equal(ip.Destination.ToIPAddress(), theirIp.DestinationAddress);
                Assert.Equal(ip.TrafficClass, theirIp.TrafficClass);
                Assert.Equal((int)ip.FlowLabel, theirIp.FlowLabel);
                Assert.Equal(ip.HopLimit, theirIp.HopLimit);
                Assert.Equal(ip.PayloadLength, theirIp.PayloadLength);
                var theirs = packet.Extract<IcmpV6Packet>();
                Assert.NotNull(theirs);
                Assert.Equal(reply ? IcmpV6Type.EchoReply : IcmpV6Type.EchoRequest, theirs.Type);
                Assert.Equal(0, theirs.Code);
                Assert.True(theirs.ValidIcmpChecksum);
            }, iter: Iterations);
    }

    [Fact]
    public void Neighbor_solicitations_and_advertisements()
    {
        Gen.Select(Gen.Bool, WireGen.Ip6Unicast, WireGen.Mac, Gen.Bool, Gen.Bool, Gen.Bool, WireGen.Ip6LinkLocal)
            .Sample((advert, target, mac, r, s, o, src) =>
            {
                var ndp = advert
                    ? NdpRepr.NeighborAdvertisement(target, r, s, o, mac)
                    : NdpRepr.NeighborSolicitation(target, mac);
                var dst = advert ? GoldenFrames.Ip6A : target.SolicitedNodeMulticast;
                var ip = new Ipv6Repr { Source = src, Destination = dst, NextHeader = IpProtocol.Icmpv6, HopLimit = 255, PayloadLength = ndp.BufferLength };
                var frame = new byte[14 + ip.BufferLength];
                int at = EmitEthernet(frame, mac, advert ? GoldenFrames.MacA : dst.MulticastMacAddress, Devmem.Stack.Wire.EtherType.Ipv6);
                at += ip.Emit(frame.AsSpan(at));
                ndp.Emit(frame.AsSpan(at), src, dst);

                var icmp = Packet.ParsePacket(LinkLayers.Ethernet, frame).Extract<IcmpV6Packet>();
                Assert.NotNull(icmp);
                Assert.True(icmp.ValidIcmpChecksum);
                IPAddress theirTarget;
                List<NdpOption> options;
                if (advert)
                {
                    var na = Assert.IsType<NdpNeighborAdvertisementPacket>(icmp.PayloadPacket);
                    Assert.Equal(r, na.Router);
                    Assert.Equal(s, na.Solicited);
                    Assert.Equal(o, na.Override);
                    theirTarget = na.TargetAddress;
                    options = na.OptionsCollection;
                }
                else
                {
                    var ns = Assert.IsType<NdpNeighborSolicitationPacket>(icmp.PayloadPacket);
                    theirTarget = ns.TargetAddress;
                    options = ns.OptionsCollection;
                }
                Assert.Equal(target.ToIPAddress(), theirTarget);
                var option = Assert.IsType<NdpLinkLayerAddressOption>(Assert.Single(options));
                Assert.Equal(advert ? OptionTypes.TargetLinkLayerAddress : OptionTypes.SourceLinkLayerAddress, option.Type);
                Assert.Equal(mac.ToPhysicalAddress(), option.LinkLayerAddress);
            }, iter: Iterations);
    }
}
