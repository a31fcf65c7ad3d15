using System.Net;
using Devmem.Memory;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Nic;
using Devmem.Stack.Sockets;
using Devmem.Stack.Wire;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// Our engine on a kernel-backed link, set up as ncdevmem sets up a machine: queue 1 of its NIC bound to a
/// dma-buf, <see cref="SteeredPort"/> (both families) steered to it by flow rules, RSS over queue 0 only, so
/// every other flow lands in host memory. The kernel side of the link is <see cref="KernelIpv4"/> /
/// <see cref="KernelIpv6"/>; the engine is <see cref="EngineIpv4"/> / <see cref="EngineIpv6"/> in the same
/// subnets. <see cref="DisposeAndAssertNoLeaks"/> ends every test.
/// </summary>
internal sealed class InteropEngine : IDisposable
{
    public const ushort SteeredPort = 5201;
    public const ushort UnsteeredPort = 5202;
    public const int DevmemQueue = 1;

    public static readonly IPAddress KernelIpv4 = IPAddress.Parse("10.77.0.1");
    public static readonly IPAddress EngineIpv4 = IPAddress.Parse("10.77.0.2");
    public static readonly IPAddress KernelIpv6 = IPAddress.Parse("fd00:77::1");
    public static readonly IPAddress EngineIpv6 = IPAddress.Parse("fd00:77::2");

    private readonly MemoryLeakScope _leaks;
    private readonly IDisposable _linkOwner;
    private readonly DmaBufBinding _binding;
    private bool _disposed;

    /// <param name="link">The link; disposed after the engine.</param>
    /// <param name="backlog">The engine's listen backlog (handshakes in progress, and connections not yet accepted).</param>
    public InteropEngine(ILink link, int backlog = 128)
    {
        _leaks = MemoryLeakScope.Begin(nameof(InteropEngine));
        _linkOwner = (IDisposable)link;
        Link = link;
        DmaBuf = new HostDmaBuf(32L << 20, "interop-dmabuf");
        _binding = new DmaBufBinding(DmaBuf, BindingDirection.Rx);
        Engine = new UserSpaceEngine(new UserSpaceEngineOptions
        {
            Link = link,
            Backlog = backlog,
            Interface = new IpInterfaceOptions
            {
                MacAddress = new MacAddress(0x02_00_00_00_77_02),
                Ipv4 = new Ipv4InterfaceAddress(Ipv4Address.FromIPAddress(EngineIpv4), 24),
                Ipv6Addresses = [new Ipv6InterfaceAddress(Ipv6Address.FromIPAddress(EngineIpv6), 64)],

                // The kernel's side routes for peers behind it (a client namespace beyond a router namespace).
                Ipv4Gateway = Ipv4Address.FromIPAddress(KernelIpv4),
                Ipv6Gateway = Ipv6Address.FromIPAddress(KernelIpv6),
            },
        });
        Engine.ConfigureNic(nic =>
        {
            nic.SetRssEqual(1);
            nic.BindRx(_binding, [DevmemQueue]);
            nic.AddFlowRule(FlowMatch.Tcp4(Ipv4Address.FromIPAddress(EngineIpv4), SteeredPort), DevmemQueue);
            nic.AddFlowRule(FlowMatch.Tcp6(Ipv6Address.FromIPAddress(EngineIpv6), SteeredPort), DevmemQueue);
        });
    }

    public ILink Link { get; }

    public UserSpaceEngine Engine { get; }

    public HostDmaBuf DmaBuf { get; }

    public static IPAddress KernelAddress(bool ipv6) => ipv6 ? KernelIpv6 : KernelIpv4;

    /// <summary>The NIC's counters of <paramref name="queue"/>, read on the engine's loop thread.</summary>
    public NicQueueStats QueueStats(int queue)
    {
        NicQueueStats? stats = null;
        Engine.ConfigureNic(nic => stats = nic.GetQueueStats(queue));
        return stats!;
    }

    public static IPAddress EngineAddress(bool ipv6) => ipv6 ? EngineIpv6 : EngineIpv4;

    /// <summary>Gives the kernel's side of <paramref name="device"/> its addresses (IPv6 without duplicate detection, so it is usable at once).</summary>
    public static void ConfigureKernelSide(InteropNamespace ns, string device)
    {
        ns.Ip("addr", "add", $"{KernelIpv4}/24", "dev", device);
        ns.Ip("addr", "add", $"{KernelIpv6}/64", "dev", device, "nodad");
        ns.Ip("link", "set", device, "up");
    }

    /// <summary>Disposes the engine, the link and the dma-buf, then checks that every skb and chunk came home.</summary>
    public void DisposeAndAssertNoLeaks()
    {
        Dispose();
        Assert.Equal(0, Engine.SkbPool.InUse);
        _leaks.AssertNoLeaks();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Engine.Dispose();
        _linkOwner.Dispose();
        _binding.Dispose();
        DmaBuf.Dispose();
        _leaks.Dispose();
    }
}
