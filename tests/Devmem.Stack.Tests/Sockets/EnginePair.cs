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
/// queue 0 only, so every other flow lands in host memory. With <c>deviceMemoryOnA</c> A's NIC is set up
/// the same way over its own dma-buf, for devmem traffic both ways. <see cref="DisposeAndAssertNoLeaks"/>
/// ends every test.
/// </summary>
internal sealed class EnginePair : IDisposable
{
    public const ushort SteeredPort = 5201;
    public const ushort UnsteeredPort = 5202;
    public const int DevmemQueueId = 1;

    private readonly MemoryLeakScope _leaks = MemoryLeakScope.Begin(nameof(EnginePair));
    private readonly MemoryLink _link;
    private readonly DmaBufBinding _binding;
    private readonly DmaBufBinding? _bindingA;
    private bool _disposed;

    /// <param name="ipv6">IPv6 addresses instead of IPv4.</param>
    /// <param name="link">The memory link's shape.</param>
    /// <param name="tcp">Both engines' TCP options.</param>
    /// <param name="deviceMemoryOnA">A's NIC steers its <see cref="SteeredPort"/> into a dma-buf of its own too.</param>
    /// <param name="linkOfA">Wraps A's end of the link (what A transmits passes through it), when given.</param>
    /// <param name="linkOfB">Wraps B's end of the link (a receive-side transformation), when given.</param>
    public EnginePair(bool ipv6, MemoryLinkOptions? link = null, TcpConnectionOptions? tcp = null, bool deviceMemoryOnA = false,
        Func<ILink, ILink>? linkOfA = null, Func<ILink, ILink>? linkOfB = null)
    {
        _link = new MemoryLink(link ?? new MemoryLinkOptions { QueueLength = 1024 });
        DmaBuf = new HostDmaBuf(32L << 20, "engine-test-dmabuf");
        _binding = new DmaBufBinding(DmaBuf, BindingDirection.Rx);
        A = new UserSpaceEngine(Options(linkOfA?.Invoke(_link.A) ?? _link.A, 0x02_00_00_00_00_0A, 1, ipv6, _link.Mtu, tcp));
        B = new UserSpaceEngine(Options(linkOfB?.Invoke(_link.B) ?? _link.B, 0x02_00_00_00_00_0B, 2, ipv6, _link.Mtu, tcp));
        ServerAddress = ipv6 ? IPAddress.Parse("fd00::2") : IPAddress.Parse("10.0.0.2");
        ClientAddress = ipv6 ? IPAddress.Parse("fd00::1") : IPAddress.Parse("10.0.0.1");
        SteerToDeviceMemory(B, _binding, ServerAddress, ipv6);
        if (deviceMemoryOnA)
        {
            DmaBufA = new HostDmaBuf(32L << 20, "engine-test-dmabuf-a");
            _bindingA = new DmaBufBinding(DmaBufA, BindingDirection.Rx);
            SteerToDeviceMemory(A, _bindingA, ClientAddress, ipv6);
        }
    }

    /// <summary>
    /// A link of wire-sized frames, as between two NICs on a cable: for tests of what the receiving NIC does
    /// frame by frame (GRO, header split per packet), which a link carrying GSO frames whole would skip.
    /// </summary>
    public static MemoryLinkOptions WireFrames => new() { QueueLength = 1024, SegmentationOffload = false };

    public UserSpaceEngine A { get; }

    /// <summary>The memory link between the engines.</summary>
    public MemoryLink Link => _link;

    public UserSpaceEngine B { get; }

    public HostDmaBuf DmaBuf { get; }

    /// <summary>A's dma-buf, when A receives into device memory too.</summary>
    public HostDmaBuf? DmaBufA { get; }

    public IPAddress ServerAddress { get; }

    public IPAddress ClientAddress { get; }

    public IPEndPoint Server(ushort port) => new(ServerAddress, port);

    public IPEndPoint Client(ushort port) => new(ClientAddress, port);

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
        _bindingA?.Dispose();
        DmaBufA?.Dispose();
        _leaks.Dispose();
    }

    // ncdevmem's set-up: RSS over queue 0 only, the devmem queue bound, the flow rule to it.
    private static void SteerToDeviceMemory(UserSpaceEngine engine, DmaBufBinding binding, IPAddress address, bool ipv6) =>
        engine.ConfigureNic(nic =>
        {
            nic.SetRssEqual(1);
            nic.BindRx(binding, [DevmemQueueId]);
            nic.AddFlowRule(
                ipv6 ? FlowMatch.Tcp6(Ipv6Address.FromIPAddress(address), SteeredPort) : FlowMatch.Tcp4(Ipv4Address.FromIPAddress(address), SteeredPort),
                DevmemQueueId);
        });

    public static MacAddress MacB => new(0x02_00_00_00_00_0B);

    /// <summary>
    /// Timers scaled to the memory link's sub-millisecond round trip, so that a lossy transfer is bound by
    /// recovery rather than by Linux's WAN-sized 200 ms minimum RTO and 40 ms delayed ACK.
    /// </summary>
    public static TcpConnectionOptions MemoryLinkTimers { get; } = TcpConnectionOptions.Default with
    {
        MinRto = TimeSpan.FromMilliseconds(20),
        InitialRto = TimeSpan.FromMilliseconds(100),
        DelayedAckTimeout = TimeSpan.FromMilliseconds(5),
    };

    // The interface's MTU is the link's.
    private static UserSpaceEngineOptions Options(ILink endpoint, ulong mac, byte host, bool ipv6, int mtu, TcpConnectionOptions? tcp) => new()
    {
        Link = endpoint,
        Tcp = tcp,
        Interface = new IpInterfaceOptions
        {
            MacAddress = new MacAddress(mac),
            Mtu = mtu,
            Ipv4 = ipv6 ? null : new Ipv4InterfaceAddress(new Ipv4Address(10, 0, 0, host), 24),
            Ipv6Addresses = ipv6 ? [new Ipv6InterfaceAddress(Ipv6Address.Parse($"fd00::{host}"), 64)] : [],
        },
    };
}
