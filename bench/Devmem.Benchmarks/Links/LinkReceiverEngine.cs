using System.Net;
using System.Net.Sockets;
using Devmem.Benchmarks.Engine;
using Devmem.Memory;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Nic;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Benchmarks.Links;

/// <summary>
/// Our engine as the devmem receiver on a kernel-backed link, set up as ncdevmem sets up a server: queue 1
/// bound to a host dma-buf, <see cref="Port"/> steered to it, RSS over queue 0; a <see cref="DevmemSink"/>
/// returns every token as it arrives. Disposing closes the engine, then the link.
/// </summary>
internal sealed class LinkReceiverEngine : IDisposable
{
    public const ushort Port = 5201;

    public static readonly IPAddress KernelAddress = IPAddress.Parse("10.78.0.1");
    public static readonly IPAddress EngineAddress = IPAddress.Parse("10.78.0.2");

    private readonly IDisposable _link;
    private readonly HostDmaBuf _dmaBuf = new(64L << 20, "links-bench-dmabuf");
    private readonly DmaBufBinding _binding;
    private readonly UserSpaceEngine _engine;

    /// <param name="link">The link; owned from here on.</param>
    public LinkReceiverEngine(ILink link)
    {
        _link = (IDisposable)link;
        _binding = new DmaBufBinding(_dmaBuf, BindingDirection.Rx);
        _engine = new UserSpaceEngine(new UserSpaceEngineOptions
        {
            Link = link,

            // The window the engine-to-engine benchmark uses; a TAP's 1000-frame queue holds it many times over.
            Tcp = TcpConnectionOptions.Default with { ReceiveBufferSize = 4 << 20 },
            Interface = new IpInterfaceOptions
            {
                MacAddress = new MacAddress(0x02_00_00_00_78_02),
                Ipv4 = new Ipv4InterfaceAddress(Ipv4Address.FromIPAddress(EngineAddress), 24),
            },
        });
        _engine.ConfigureNic(nic =>
        {
            nic.SetRssEqual(1);
            nic.BindRx(_binding, [1]);
            nic.AddFlowRule(FlowMatch.Tcp4(Ipv4Address.FromIPAddress(EngineAddress), Port), 1);
        });
    }

    /// <summary>
    /// The kernel sender in <paramref name="senderNamespace"/> connects to us and writes for
    /// <paramref name="duration"/>; returns the Gbit/s our devmem sink was handed meanwhile.
    /// </summary>
    public async Task<double> MeasureAsync(BenchNamespace senderNamespace, TimeSpan duration, CancellationToken cancellationToken)
    {
        using EngineTcpListener listener = _engine.Listen(Port);
        Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        using Socket sender = await KernelSender.ConnectAsync(senderNamespace, new IPEndPoint(EngineAddress, Port), cancellationToken);
        using EngineTcpSocket receiver = await accepting;
        var sink = new DevmemSink();
        // A dedicated thread in the blocking receive, as the kernel receiver it is compared with reads.
        Task<long> sinking = Task.Factory.StartNew(() => sink.Run(receiver), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        double gbitPerSecond = await KernelSender.SendForAsync(sender, duration, () => sink.Bytes);
        await sinking;
        receiver.ShutdownSend();
        await receiver.Closed.WaitAsync(cancellationToken);
        return gbitPerSecond;
    }

    public void Dispose()
    {
        _engine.Dispose();
        _link.Dispose();
        _binding.Dispose();
        _dmaBuf.Dispose();
    }
}
