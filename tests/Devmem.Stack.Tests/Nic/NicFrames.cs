using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Nic;

/// <summary>TCP frames for the emulated NIC, built field by field with the Wire emitters.</summary>
internal static class NicFrames
{
    public static readonly MacAddress MacA = new([0x02, 0, 0, 0, 0, 0x0a]);
    public static readonly MacAddress MacB = new([0x02, 0, 0, 0, 0, 0x0b]);
    public static readonly Ipv4Address Ip4A = new(192, 0, 2, 1);
    public static readonly Ipv4Address Ip4B = new(192, 0, 2, 2);
    public static readonly Ipv6Address Ip6A = Ipv6Address.Parse("2001:db8::a", null);
    public static readonly Ipv6Address Ip6B = Ipv6Address.Parse("2001:db8::b", null);

    public static byte[] Payload(int length, int seed = 1)
    {
        var payload = new byte[length];
        new Random(seed).NextBytes(payload);
        return payload;
    }

    /// <summary>An IPv4 TCP frame with a correct checksum; <paramref name="ipOptions"/> (a multiple of 4) follows the fixed header.</summary>
    public static byte[] Tcp4(ReadOnlySpan<byte> payload, ushort sourcePort = 40000, ushort destinationPort = 5201,
        Ipv4Address? source = null, Ipv4Address? destination = null, int ipOptions = 0)
    {
        var tcp = Header(sourcePort, destinationPort);
        var ip = new Ipv4Repr
        {
            Source = source ?? Ip4A,
            Destination = destination ?? Ip4B,
            Protocol = IpProtocol.Tcp,
            Ttl = 64,
            OptionsLength = ipOptions,
            PayloadLength = tcp.HeaderLength + payload.Length,
        };
        var frame = new byte[EthernetView.HeaderLength + ip.BufferLength];
        new EthernetRepr { Destination = MacB, Source = MacA, EtherType = EtherType.Ipv4 }.Emit(frame);
        var options = new byte[ipOptions];
        options.AsSpan().Fill(Ipv4OptionReader.NoOperation);
        int l4 = EthernetView.HeaderLength + ip.Emit(frame.AsSpan(EthernetView.HeaderLength), options);
        var segment = frame.AsSpan(l4);
        tcp.Emit(segment);
        payload.CopyTo(segment[tcp.HeaderLength..]);
        var ipBytes = frame.AsSpan(EthernetView.HeaderLength);
        TcpChecksum.Fill(segment, TcpChecksum.PseudoHeaderSumIPv4(ipBytes[12..16], ipBytes[16..20], segment.Length));
        return frame;
    }

    /// <summary>An IPv6 TCP frame with <paramref name="extensionHeaders"/> 8-byte Destination Options headers before TCP.</summary>
    public static byte[] Tcp6(ReadOnlySpan<byte> payload, ushort sourcePort = 40000, ushort destinationPort = 5201,
        Ipv6Address? source = null, Ipv6Address? destination = null, int extensionHeaders = 0)
    {
        var tcp = Header(sourcePort, destinationPort);
        int extensionBytes = extensionHeaders * 8;
        var ip = new Ipv6Repr
        {
            Source = source ?? Ip6A,
            Destination = destination ?? Ip6B,
            NextHeader = extensionHeaders > 0 ? IpProtocol.DestinationOptions : IpProtocol.Tcp,
            HopLimit = 64,
            PayloadLength = extensionBytes + tcp.HeaderLength + payload.Length,
        };
        var frame = new byte[EthernetView.HeaderLength + ip.BufferLength];
        new EthernetRepr { Destination = MacB, Source = MacA, EtherType = EtherType.Ipv6 }.Emit(frame);
        int at = EthernetView.HeaderLength + ip.Emit(frame.AsSpan(EthernetView.HeaderLength));
        for (int i = 0; i < extensionHeaders; i++)
        {
            // Next header, length 0 (8 bytes), then a PadN option covering the other 6 bytes.
            frame[at] = (byte)(i == extensionHeaders - 1 ? IpProtocol.Tcp : IpProtocol.DestinationOptions);
            frame[at + 2] = 1;
            frame[at + 3] = 4;
            at += 8;
        }

        var segment = frame.AsSpan(at);
        tcp.Emit(segment);
        payload.CopyTo(segment[tcp.HeaderLength..]);
        var ipBytes = frame.AsSpan(EthernetView.HeaderLength);
        TcpChecksum.Fill(segment, TcpChecksum.PseudoHeaderSumIPv6(ipBytes[8..24], ipBytes[24..40], segment.Length));
        return frame;
    }

    private static TcpHeader Header(ushort sourcePort, ushort destinationPort) => new()
    {
        SourcePort = sourcePort,
        DestinationPort = destinationPort,
        SequenceNumber = 1000,
        AcknowledgmentNumber = 1,
        Flags = TcpFlags.Ack | TcpFlags.Psh,
        Window = 512,
    };
}
