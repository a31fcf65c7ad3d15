using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Ip;

/// <summary>Frames for the interface to receive, built field by field with the Wire representations.</summary>
internal static class Craft
{
    public static byte[] Arp(ArpRepr arp, MacAddress source, MacAddress destination)
    {
        var frame = new byte[EthernetView.HeaderLength + ArpView.Length];
        new EthernetRepr { Destination = destination, Source = source, EtherType = EtherType.Arp }.Emit(frame);
        arp.Emit(frame.AsSpan(EthernetView.HeaderLength));
        return frame;
    }

    /// <summary>An IPv4 frame A → B (by default) carrying <paramref name="payload"/>; <paramref name="ip"/>'s PayloadLength is set here.</summary>
    public static byte[] Ipv4(Ipv4Repr ip, ReadOnlySpan<byte> payload, MacAddress? source = null, MacAddress? destination = null)
    {
        ip = ip with { PayloadLength = payload.Length };
        var frame = new byte[EthernetView.HeaderLength + ip.BufferLength];
        new EthernetRepr { Destination = destination ?? GoldenFrames.MacB, Source = source ?? GoldenFrames.MacA, EtherType = EtherType.Ipv4 }.Emit(frame);
        int at = EthernetView.HeaderLength + ip.Emit(frame.AsSpan(EthernetView.HeaderLength));
        payload.CopyTo(frame.AsSpan(at));
        return frame;
    }

    public static Ipv4Repr Ipv4Header(IpProtocol protocol) => new()
    {
        Source = GoldenFrames.Ip4A,
        Destination = GoldenFrames.Ip4B,
        Protocol = protocol,
        Ttl = 64,
    };

    /// <summary>An ICMP echo request A → B.</summary>
    public static byte[] Icmpv4Echo(ushort identifier, ushort sequence, ReadOnlySpan<byte> data, Ipv4Repr? header = null, bool reply = false,
        MacAddress? destinationMac = null)
    {
        var echo = Icmpv4Repr.EchoRequest(identifier, sequence, data.Length);
        if (reply)
        {
            echo = echo.ToEchoReply();
        }
        var message = new byte[echo.BufferLength];
        echo.Emit(message, data);
        return Ipv4(header ?? Ipv4Header(IpProtocol.Icmp), message, destination: destinationMac);
    }

    /// <summary>An IPv6 frame A → B (by default); <paramref name="payload"/> is everything after the fixed header.</summary>
    public static byte[] Ipv6(Ipv6Repr ip, ReadOnlySpan<byte> payload, MacAddress? source = null, MacAddress? destination = null)
    {
        ip = ip with { PayloadLength = payload.Length };
        var frame = new byte[EthernetView.HeaderLength + ip.BufferLength];
        new EthernetRepr { Destination = destination ?? GoldenFrames.MacB, Source = source ?? GoldenFrames.MacA, EtherType = EtherType.Ipv6 }.Emit(frame);
        ip.Emit(frame.AsSpan(EthernetView.HeaderLength));
        payload.CopyTo(frame.AsSpan(EthernetView.HeaderLength + Ipv6View.HeaderLength));
        return frame;
    }

    public static Ipv6Repr Ipv6Header(IpProtocol nextHeader, Ipv6Address? source = null, Ipv6Address? destination = null, byte hopLimit = 64) => new()
    {
        Source = source ?? GoldenFrames.Ip6A,
        Destination = destination ?? GoldenFrames.Ip6B,
        NextHeader = nextHeader,
        HopLimit = hopLimit,
    };

    /// <summary>An ICMPv6 message with its checksum.</summary>
    public static byte[] Icmpv6Message(Icmpv6Repr icmp, ReadOnlySpan<byte> body, Ipv6Address source, Ipv6Address destination)
    {
        var message = new byte[icmp.BufferLength];
        icmp.Emit(message, body, source, destination);
        return message;
    }

    /// <summary>An ICMPv6 echo request A → B (or the given addresses).</summary>
    public static byte[] Icmpv6Echo(ushort identifier, ushort sequence, ReadOnlySpan<byte> data, Ipv6Address? source = null, Ipv6Address? destination = null,
        MacAddress? destinationMac = null, bool reply = false)
    {
        var header = Ipv6Header(IpProtocol.Icmpv6, source, destination);
        var echo = Icmpv6Repr.EchoRequest(identifier, sequence, data.Length);
        if (reply)
        {
            echo = echo.ToEchoReply();
        }
        return Ipv6(header, Icmpv6Message(echo, data, header.Source, header.Destination), destination: destinationMac);
    }

    /// <summary>A Neighbor Discovery message in a frame, with hop limit 255 unless told otherwise.</summary>
    public static byte[] Ndp(NdpRepr nd, Ipv6Address source, Ipv6Address destination, MacAddress sourceMac, MacAddress destinationMac, byte hopLimit = 255)
    {
        var message = new byte[nd.BufferLength];
        nd.Emit(message, source, destination);
        return Ipv6(Ipv6Header(IpProtocol.Icmpv6, source, destination, hopLimit), message, sourceMac, destinationMac);
    }

    /// <summary>Recomputes the IPv4 header checksum of a frame after a test edited the header.</summary>
    public static byte[] FixIpv4Checksum(byte[] frame)
    {
        new Ipv4MutableView(frame.AsSpan(EthernetView.HeaderLength)).FillChecksum();
        return frame;
    }
}
