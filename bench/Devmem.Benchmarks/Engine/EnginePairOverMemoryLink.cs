using System.Net;
using Devmem.Memory;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Nic;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Benchmarks.Engine;

/// <summary>
/// Two user-space engines on one memory link, set up as ncdevmem sets up the receiver: B's queue 1 bound to
/// a host dma-buf, a flow rule steering <see cref="Port"/> to it, RSS over queue 0. A sends, B receives
/// through the devmem path.
/// </summary>
internal sealed class EnginePairOverMemoryLink : IDisposable
{
    public const ushort Port = 5201;

    private readonly MemoryLink _link;
    private readonly HostDmaBuf _dmaBuf;
    private readonly DmaBufBinding _binding;
    private readonly UserSpaceEngine _a;
    private readonly UserSpaceEngine _b;
    private readonly IPAddress _server = IPAddress.Parse("10.0.0.2");

    public EnginePairOverMemoryLink(MemoryLinkOptions link, TcpConnectionOptions tcp, long dmaBufBytes = 64L << 20)
    {
        _link = new MemoryLink(link);
        _dmaBuf = new HostDmaBuf(dmaBufBytes, "bench-dmabuf");
        _binding = new DmaBufBinding(_dmaBuf, BindingDirection.Rx);
        _a = new UserSpaceEngine(Options(_link.A, 0x02_00_00_00_00_0A, 1, link.Mtu, tcp));
        _b = new UserSpaceEngine(Options(_link.B, 0x02_00_00_00_00_0B, 2, link.Mtu, tcp));
        _b.ConfigureNic(nic =>
        {
            nic.SetRssEqual(1);
            nic.BindRx(_binding, [1]);
            nic.AddFlowRule(FlowMatch.Tcp4(Ipv4Address.FromIPAddress(_server), Port), 1);
        });
    }

    /// <summary>Frames the link's queues dropped because they were full, both directions.</summary>
    public long TailDrops => _link.A.ReceiveQueue.TailDrops + _link.B.ReceiveQueue.TailDrops;

    /// <summary>One connection from A to B: (A's socket, B's accepted socket).</summary>
    public async Task<(EngineTcpSocket Sender, EngineTcpSocket Receiver)> ConnectAsync(CancellationToken cancellationToken)
    {
        using EngineTcpListener listener = _b.Listen(Port);
        Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        EngineTcpSocket sender = await _a.ConnectAsync(new IPEndPoint(_server, Port), cancellationToken);
        return (sender, await accepting);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _link.Dispose();
        _binding.Dispose();
        _dmaBuf.Dispose();
    }

    private static UserSpaceEngineOptions Options(MemoryLinkEndpoint endpoint, ulong mac, byte host, int mtu, TcpConnectionOptions tcp) => new()
    {
        Link = endpoint,
        Tcp = tcp,
        Interface = new IpInterfaceOptions
        {
            MacAddress = new MacAddress(mac),
            Mtu = mtu,
            Ipv4 = new Ipv4InterfaceAddress(new Ipv4Address(10, 0, 0, host), 24),
        },
    };
}
