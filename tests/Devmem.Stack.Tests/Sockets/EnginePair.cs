using System.Net;
using Devmem.Memory;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Nic;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// Two engines over one <see cref="MemoryLink"/>, set up as ncdevmem sets up a machine: A is the client; B's
/// NIC has queue 1 bound to a dma-buf, a flow rule steering <see cref="SteeredPort"/> to it, and RSS over
/// queue 0 only, so every other flow lands in host memory. <see cref="DisposeAndAssertNoLeaks"/> ends every test.
/// </summary>
internal sealed class EnginePair : IDisposable
{
    public const ushort SteeredPort = 5201;
    public const ushort UnsteeredPort = 5202;
    private const int DevmemQueue = 1;

    private readonly MemoryLeakScope _leaks = MemoryLeakScope.Begin(nameof(EnginePair));
    private readonly MemoryLink _link;
    private readonly DmaBufBinding _binding;
    private bool _disposed;

    /// <param name="ipv6">IPv6 addresses instead of IPv4.</param>
    /// <param name="link">The memory link's shape.</param>
    /// <param name="tcp">Both engines' TCP options.</param>
    /// <param name="linkOfB">Wraps B's end of the link (a receive-side transformation), when given.</param>
    public EnginePair(bool ipv6, MemoryLinkOptions? link = null, TcpConnectionOptions? tcp = null, Func<ILink, ILink>? linkOfB = null)
    {
        _link = new MemoryLink(link ?? new MemoryLinkOptions { QueueLength = 1024 });
        DmaBuf = new HostDmaBuf(32L << 20, "engine-test-dmabuf");
        _binding = new DmaBufBinding(DmaBuf, BindingDirection.Rx);
        A = new UserSpaceEngine(Options(_link.A, 0x02_00_00_00_00_0A, 1, ipv6, tcp));
        B = new UserSpaceEngine(Options(linkOfB?.Invoke(_link.B) ?? _link.B, 0x02_00_00_00_00_0B, 2, ipv6, tcp));
        ServerAddress = ipv6 ? IPAddress.Parse("fd00::2") : IPAddress.Parse("10.0.0.2");
        B.ConfigureNic(nic =>
        {
            nic.SetRssEqual(1);
            nic.BindRx(_binding, [DevmemQueue]);
            nic.AddFlowRule(
                ipv6 ? FlowMatch.Tcp6(Ipv6Address.FromIPAddress(ServerAddress), SteeredPort) : FlowMatch.Tcp4(Ipv4Address.FromIPAddress(ServerAddress), SteeredPort),
                DevmemQueue);
        });
    }

    public UserSpaceEngine A { get; }

    public UserSpaceEngine B { get; }

    public HostDmaBuf DmaBuf { get; }

    public IPAddress ServerAddress { get; }

    public IPEndPoint Server(ushort port) => new(ServerAddress, port);

    /// <summary>Disposes both engines, the link and the dma-buf, then checks that every skb and chunk came home.</summary>
    public void DisposeAndAssertNoLeaks()
    {
        Dispose();
        Assert.Equal(0, A.SkbPool.InUse);
        Assert.Equal(0, B.SkbPool.InUse);
        _leaks.AssertNoLeaks();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        A.Dispose();
        B.Dispose();
        _link.Dispose();
        _binding.Dispose();
        DmaBuf.Dispose();
        _leaks.Dispose();
    }

    private static UserSpaceEngineOptions Options(ILink endpoint, ulong mac, byte host, bool ipv6, TcpConnectionOptions? tcp) => new()
    {
        Link = endpoint,
        Tcp = tcp,
        Interface = new IpInterfaceOptions
        {
            MacAddress = new MacAddress(mac),
            Ipv4 = ipv6 ? null : new Ipv4InterfaceAddress(new Ipv4Address(10, 0, 0, host), 24),
            Ipv6Addresses = ipv6 ? [new Ipv6InterfaceAddress(Ipv6Address.Parse($"fd00::{host}"), 64)] : [],
        },
    };
}
