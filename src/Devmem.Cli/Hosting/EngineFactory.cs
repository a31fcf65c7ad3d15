using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Cli.Hosting;

/// <summary>Starts a user-space engine on a link with one address, the way the CLI's commands need one.</summary>
internal static class EngineFactory
{
    /// <summary>
    /// An engine on <paramref name="link"/> whose interface has <paramref name="address"/> (a /24 for IPv4,
    /// a /64 for IPv6, so the peer on the same link is reachable without a route).
    /// </summary>
    public static UserSpaceEngine Start(ILink link, IPAddress address, MacAddress mac, TcpConnectionOptions? tcp = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(address);
        bool ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        return new UserSpaceEngine(new UserSpaceEngineOptions
        {
            Link = link,
            Tcp = tcp,
            Interface = new IpInterfaceOptions
            {
                MacAddress = mac,
                Ipv4 = ipv6 ? null : new Ipv4InterfaceAddress(Ipv4Address.FromIPAddress(address), 24),
                Ipv6Addresses = ipv6 ? [new Ipv6InterfaceAddress(Ipv6Address.FromIPAddress(address), 64)] : [],
            },
        });
    }

    /// <summary>A random unicast, locally administered MAC (02:xx:...), as a TAP device gets one.</summary>
    public static MacAddress RandomMac()
    {
        Span<byte> bytes = stackalloc byte[6];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] = (byte)((bytes[0] & 0xFC) | 0x02);
        return new MacAddress(bytes);
    }
}
