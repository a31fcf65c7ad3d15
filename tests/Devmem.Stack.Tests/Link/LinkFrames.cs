using System.Buffers.Binary;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Link;

/// <summary>Frames for link tests.</summary>
internal static class LinkFrames
{
    public static readonly MacAddress Source = new(0x0200_0000_0001);
    public static readonly MacAddress Destination = new(0x0200_0000_0002);

    /// <summary>An Ethernet frame of <paramref name="length"/> bytes whose payload starts with <paramref name="number"/>.</summary>
    public static byte[] Numbered(int number, int length = 64)
    {
        var frame = new byte[length];
        new EthernetRepr { Destination = Destination, Source = Source, EtherType = (EtherType)0x88B5 }.Emit(frame);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(EthernetView.HeaderLength), number);
        return frame;
    }

    public static int NumberOf(byte[] frame) => BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(EthernetView.HeaderLength));

    /// <summary>An Ethernet frame carrying just a 20-byte IPv4 header (so any bit past the Ethernet header is covered by its checksum).</summary>
    public static byte[] Ipv4HeaderOnly(int identification)
    {
        var frame = new byte[EthernetView.HeaderLength + Ipv4View.MinHeaderLength];
        new EthernetRepr { Destination = Destination, Source = Source, EtherType = EtherType.Ipv4 }.Emit(frame);
        new Ipv4Repr
        {
            Source = new Ipv4Address(10, 0, 0, 1),
            Destination = new Ipv4Address(10, 0, 0, 2),
            Protocol = IpProtocol.Udp,
            Ttl = 64,
            Identification = (ushort)identification,
        }.Emit(frame.AsSpan(EthernetView.HeaderLength));
        return frame;
    }
}
