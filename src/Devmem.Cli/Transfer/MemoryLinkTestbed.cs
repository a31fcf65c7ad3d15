using System.Net;
using Devmem.Cli.Hosting;
using Devmem.Memory;
using Devmem.Stack.Link;
using Devmem.Stack.Nic;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Cli.Transfer;

/// <summary>
/// Two user-space engines in one process over a <see cref="MemoryLink"/>: a sender, and a receiver whose NIC
/// is set up as ncdevmem sets up a machine (the last RX queue bound to a dma-buf of the chosen memory, RSS over the
/// others, flow rules added per port with <see cref="SteerToDeviceMemory"/>). <see cref="Teardown"/> stops
/// everything and runs the no-leak check. Used by <c>devmem demo</c> and by the tests of every command.
/// </summary>
internal sealed class MemoryLinkTestbed : IDisposable
{
    // The memory link's round trip is microseconds: Linux's WAN-sized 200 ms minimum RTO and 40 ms delayed
    // ACK would make a lossy run wait on timers rather than recover. Only with faults: on a clean wire a
    // busy machine's scheduling delays would fire a 20 ms RTO for nothing.
    private static readonly TcpConnectionOptions MemoryLinkTimers = TcpConnectionOptions.Default with
    {
        MinRto = TimeSpan.FromMilliseconds(20),
        InitialRto = TimeSpan.FromMilliseconds(100),
        DelayedAckTimeout = TimeSpan.FromMilliseconds(5),
    };

    private readonly MemoryLeakScope _leaks = MemoryLeakScope.Begin(nameof(MemoryLinkTestbed));
    private readonly MemoryLink _link;
    private readonly DmaBuf _dmaBuf;
    private TeardownReport? _teardown;

    // Each direction's queue holds a whole receive window of full-sized frames (the engines' default TCP
    // options), as a NIC's RX ring is sized for the bandwidth-delay product: TCP never has more than a window
    // in flight, so a link without faults never tail-drops, and the demo's retransmission count means faults.
    private static readonly int QueueLength = TcpConnectionOptions.Default.MaxReceiveBufferSize / TcpConnectionOptions.Default.Mss + 64;

    public MemoryLinkTestbed(TestbedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            // First, so a machine without the chosen memory fails before anything else needs undoing.
            _dmaBuf = DeviceMemory.Create(options.Memory, options.DmaBufBytes, "devmem-demo");
        }
        catch
        {
            _leaks.Dispose();
            throw;
        }

        _link = new MemoryLink(new MemoryLinkOptions
        {
            QueueLength = QueueLength,
            AToBFaults = options.Faults,
            BToAFaults = options.Faults is { } faults ? faults with { Seed = faults.Seed + 1 } : null,
        });
        Binding = new DmaBufBinding(_dmaBuf, BindingDirection.Rx);
        SenderAddress = IPAddress.Parse(options.Ipv6 ? "fd00::1" : "10.0.0.1");
        ReceiverAddress = IPAddress.Parse(options.Ipv6 ? "fd00::2" : "10.0.0.2");
        TcpConnectionOptions? timers = options.Faults is null ? null : MemoryLinkTimers;
        Sender = EngineFactory.Start(_link.A, SenderAddress, new MacAddress(0x02_00_00_00_00_01), timers);
        Receiver = EngineFactory.Start(_link.B, ReceiverAddress, new MacAddress(0x02_00_00_00_00_02), timers);
        int rxQueues = 0;
        Receiver.ConfigureNic(nic => rxQueues = nic.RxQueueCount);
        (DevmemQueue, int count) = DevmemNicSetup.DefaultQueues(rxQueues);
        if (options.BindDevmemQueue)
        {
            DevmemNicSetup.BindQueues(Receiver, Binding, DevmemQueue, count, configureRss: true);
        }
    }

    public UserSpaceEngine Sender { get; }

    public UserSpaceEngine Receiver { get; }

    /// <summary>The receiver's dma-buf binding (its <see cref="NetIovArea.DmaBuf"/> holds the device bytes).</summary>
    public DmaBufBinding Binding { get; }

    /// <summary>What the receiver's dma-buf is made of, in words.</summary>
    public string Memory => DeviceMemory.Describe(_dmaBuf);

    public IPAddress SenderAddress { get; }

    public IPAddress ReceiverAddress { get; }

    /// <summary>The receive queue bound to the dma-buf (ncdevmem's default: the last one).</summary>
    public int DevmemQueue { get; }

    /// <summary>An endpoint of the receiver.</summary>
    public IPEndPoint ReceiverEndPoint(ushort port) => new(ReceiverAddress, port);

    /// <summary>Adds the flow rule that sends TCP to the receiver's <paramref name="port"/> into device memory.</summary>
    public void SteerToDeviceMemory(ushort port) => DevmemNicSetup.Steer(Receiver, ReceiverAddress, port, DevmemQueue);

    /// <summary>Frames lost on the way, by reason: injected faults, full link queues, the NICs' drops.</summary>
    public IReadOnlyDictionary<string, long> Drops()
    {
        var drops = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (MemoryLinkEndpoint endpoint in new[] { _link.A, _link.B })
        {
            Add(drops, "injected_loss", endpoint.TransmitFaults?.Lost ?? 0);
            Add(drops, "fault_queue_overflow", endpoint.TransmitFaults?.Overflowed ?? 0);
            Add(drops, "link_queue_full", endpoint.ReceiveQueue.TailDrops);
            Add(drops, "link_oversize", endpoint.ReceiveQueue.OversizeDrops);
        }

        foreach (UserSpaceEngine engine in new[] { Sender, Receiver })
        {
            engine.ConfigureNic(nic =>
            {
                for (int queue = 0; queue < nic.RxQueueCount; queue++)
                {
                    NicQueueStats stats = nic.GetQueueStats(queue);
                    foreach (NicDropReason reason in Enum.GetValues<NicDropReason>())
                    {
                        Add(drops, "nic_" + SnakeCase(reason.ToString()), stats[reason]);
                    }
                }
            });
        }

        return drops;
    }

    /// <summary>The dma-buf's chunks right now.</summary>
    public PoolState Pool() => new(Binding.TotalChunks, Binding.FreeChunks, Binding.ChunksInPagePools, Binding.HeldByUsers);

    /// <summary>Stops both engines and checks that every chunk and skb came home; idempotent.</summary>
    public TeardownReport Teardown()
    {
        if (_teardown is not null)
        {
            return _teardown;
        }

        Sender.Dispose();
        Receiver.Dispose();
        _link.Dispose();
        _teardown = TeardownReport.Complete(Binding, _dmaBuf, _leaks, Sender.SkbPool.InUse + Receiver.SkbPool.InUse);
        return _teardown;
    }

    public void Dispose() => Teardown();

    private static void Add(SortedDictionary<string, long> drops, string reason, long count) =>
        drops[reason] = drops.GetValueOrDefault(reason) + count;

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
