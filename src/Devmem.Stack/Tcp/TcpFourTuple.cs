using System.Buffers.Binary;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// A connection's identity (RFC 9293 §3.2's socket pair), seen from our side: local address and port,
/// remote address and port. IPv4 addresses are held IPv4-mapped (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) so
/// that one table serves both families.
/// </summary>
/// <param name="LocalAddress">Our address.</param>
/// <param name="LocalPort">Our port.</param>
/// <param name="RemoteAddress">The peer's address.</param>
/// <param name="RemotePort">The peer's port.</param>
public readonly record struct TcpFourTuple(Ipv6Address LocalAddress, ushort LocalPort, Ipv6Address RemoteAddress, ushort RemotePort)
{
    /// <summary>Bytes <see cref="WriteTo"/> writes: two addresses and two ports.</summary>
    public const int EncodedLength = (2 * Ipv6Address.Length) + 4;

    /// <summary>The tuple of an IPv4 connection.</summary>
    public static TcpFourTuple FromIPv4(Ipv4Address localAddress, ushort localPort, Ipv4Address remoteAddress, ushort remotePort) =>
        new(MapIPv4(localAddress), localPort, MapIPv4(remoteAddress), remotePort);

    /// <summary>The IPv4-mapped IPv6 form of an IPv4 address.</summary>
    public static Ipv6Address MapIPv4(Ipv4Address address) => new(0, 0x0000_FFFF_0000_0000UL | address.Value);

    /// <summary>
    /// A hash seeded per process (<see cref="HashCode"/>), so that a peer choosing addresses and ports
    /// cannot aim its connections at one bucket of the demultiplexing table.
    /// </summary>
    public override int GetHashCode() => HashCode.Combine(LocalAddress, LocalPort, RemoteAddress, RemotePort);

    /// <summary>Writes the tuple in network order (the input of the keyed hashes of RFC 6528 and RFC 6056).</summary>
    public void WriteTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, EncodedLength);
        WriteAddress(destination, LocalAddress);
        WriteAddress(destination[Ipv6Address.Length..], RemoteAddress);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(2 * Ipv6Address.Length)..], LocalPort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[((2 * Ipv6Address.Length) + 2)..], RemotePort);
    }

    /// <inheritdoc/>
    public override string ToString() => $"[{LocalAddress}]:{LocalPort} <-> [{RemoteAddress}]:{RemotePort}";

    internal static void WriteAddress(Span<byte> destination, Ipv6Address address)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, address.High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], address.Low);
    }
}
