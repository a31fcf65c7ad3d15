using System.Net;
using System.Net.Sockets;
using Devmem.Stack.Ip;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Sockets;

/// <summary>
/// Conversions between the three address forms the engine meets: <see cref="IPAddress"/> at the public API,
/// <see cref="IpAddress"/> in the IP layer, and the IPv4-mapped <see cref="Ipv6Address"/> of a <see cref="TcpFourTuple"/>.
/// </summary>
internal static class EngineAddresses
{
    public static Ipv6Address ToTuple(IpAddress address) =>
        address.Version == IpVersion.V4 ? TcpFourTuple.MapIPv4(address.Ipv4) : address.Ipv6;

    public static IpAddress FromTuple(Ipv6Address address) =>
        address.IsIPv4Mapped ? new Ipv4Address((uint)address.Low) : address;

    public static IpAddress FromEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (endPoint.AddressFamily == AddressFamily.InterNetwork || endPoint.Address.IsIPv4MappedToIPv6)
        {
            return Ipv4Address.FromIPAddress(endPoint.Address);
        }

        if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return Ipv6Address.FromIPAddress(endPoint.Address);
        }

        throw new DevmemException(Errno.EINVAL, $"{endPoint} is neither IPv4 nor IPv6");
    }

    public static IPEndPoint ToEndPoint(Ipv6Address address, ushort port)
    {
        IpAddress ip = FromTuple(address);
        return new IPEndPoint(ip.Version == IpVersion.V4 ? ip.Ipv4.ToIPAddress() : ip.Ipv6.ToIPAddress(), port);
    }
}
