using System.Buffers.Binary;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Nic;

/// <summary>
/// The addresses and ports the NIC's parser extracted from a frame: the input of flow-rule matching and of
/// the RSS hash. IPv4 addresses are held IPv4-mapped (<c>::ffff:a.b.c.d</c>) so one comparison serves both
/// families.
/// </summary>
internal readonly record struct FlowTuple
{
    private const ulong Ipv4MappedPrefix = 0x0000_FFFF_0000_0000;

    /// <summary>Whether the parser recognised IPv4 or IPv6 at all.</summary>
    public bool IsIp { get; init; }

    /// <summary>IPv6 rather than IPv4.</summary>
    public bool IsIpv6 { get; init; }

    /// <summary>Whether TCP ports were found (not a fragment, not past the parser's reach).</summary>
    public bool HasPorts { get; init; }

    public Ipv6Address Source { get; init; }

    public Ipv6Address Destination { get; init; }

    public ushort SourcePort { get; init; }

    public ushort DestinationPort { get; init; }

    public static Ipv6Address Map(Ipv4Address address) => new(0, Ipv4MappedPrefix | address.Value);

    public static Ipv4Address Unmap(Ipv6Address address) => new((uint)address.Low);

    /// <summary>
    /// The RSS hash input the Microsoft spec defines: source address, destination address, then (for TCP)
    /// source port and destination port, all in network order. Returns the bytes written (0 for non-IP).
    /// </summary>
    public int WriteHashInput(Span<byte> input)
    {
        if (!IsIp)
        {
            return 0;
        }

        int at;
        if (IsIpv6)
        {
            BinaryPrimitives.WriteUInt64BigEndian(input, Source.High);
            BinaryPrimitives.WriteUInt64BigEndian(input[8..], Source.Low);
            BinaryPrimitives.WriteUInt64BigEndian(input[16..], Destination.High);
            BinaryPrimitives.WriteUInt64BigEndian(input[24..], Destination.Low);
            at = 32;
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(input, (uint)Source.Low);
            BinaryPrimitives.WriteUInt32BigEndian(input[4..], (uint)Destination.Low);
            at = 8;
        }

        if (HasPorts)
        {
            BinaryPrimitives.WriteUInt16BigEndian(input[at..], SourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(input[(at + 2)..], DestinationPort);
            at += 4;
        }

        return at;
    }
}
