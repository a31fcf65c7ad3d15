using System.Net;
using Devmem.Skb;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Nic;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Sockets;

/// <summary>
/// The user-space TCP/IP engine: one link endpoint, an <see cref="EmulatedNic"/>, an <see cref="IpInterface"/>
/// and a <see cref="TcpDemultiplexer"/>, driven by one event-loop thread. Frames go link → NIC (payload into
/// the queue's page pool, device memory when the queue is bound) → IP → TCP, the payload skb handed to the
/// connection as the NIC built it; segments go TCP → IP → a frame batch → link, one batch per turn. The loop
/// sleeps until frames arrive, a command is posted, or the earliest deadline of IP and the connections.
/// </summary>
/// <remarks>
/// <para>Every sans-IO layer belongs to the loop thread. The application's calls cross to it through a
/// command queue that wakes it; only receiving (<see cref="EngineTcpSocket.Receiver"/>) stays on the
/// application's thread, because the receive queue and token table are thread-safe.</para>
/// <para>Split by concern: this file holds construction and the public API; <c>.Loop</c> the thread, its
/// wake-ups and shutdown; <c>.Input</c> frames in; <c>.Output</c> connection service and frames out.</para>
/// </remarks>
public sealed partial class UserSpaceEngine : IDisposable, IAsyncDisposable
{
    private readonly ILink _link;
    private readonly EmulatedNic _nic;
    private readonly IpInterface _ip;
    private readonly TcpDemultiplexer _demux = new();
    private readonly TcpConnectionOptions _tcpOptions;
    private readonly int _backlog;
    private readonly EngineClock _clock;
    private readonly ConnectionScheduler _scheduler = new();
    private readonly Dictionary<TcpConnection, EngineConnection> _connections = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ushort, EngineTcpListener> _listeners = [];

    /// <param name="options">The link, addresses, NIC and TCP settings.</param>
    /// <exception cref="ArgumentException">The link's frames are shorter than the interface's MTU needs.</exception>
    public UserSpaceEngine(UserSpaceEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Backlog, nameof(options.Backlog));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options.BatchSize));
        _link = options.Link;
        _ip = new IpInterface(options.Interface);
        if (_link.MaxFrameLength < _ip.MaxFrameLength)
        {
            throw new ArgumentException(
                $"the link carries {_link.MaxFrameLength}-byte frames but an MTU of {_ip.Mtu} needs {_ip.MaxFrameLength}; lower the interface MTU",
                nameof(options));
        }

        _tcpOptions = options.Tcp ?? TcpConnectionOptions.Default;
        _tcpOptions.Validate();
        _backlog = options.Backlog;
        _gsoMaxPayload = options.SegmentationOffload ? GsoMaxPayload : 0;
        _clock = new EngineClock(options.TimeProvider ?? TimeProvider.System);
        _nic = new EmulatedNic(options.Nic, options.SkbPool);
        var gsoLink = _link as IGsoLink;
        _rx = new FrameBatch(options.BatchSize, _link.MaxFrameLength, gsoLink?.ReceiveGsoBuffers);
        _scatterInput = new ScatterInput(this);

        // Received frames may be 64 KiB GSO frames on a TAP, packet or memory link; what we send never exceeds the MTU
        // unless the link carries GSO frames.
        // Transmit slots are as long as the link's frames when that costs no more than a VLAN tag's room (a
        // memory link's), so that the link can take their buffers instead of copying (FrameRing).
        // GSO frames whole need large buffers: a link that takes the batch's buffers lends its own; for one that
        // copies frames out (a TAP) the engine keeps a pool, each large buffer back in it once the batch is sent.
        int linkRoom = _link.MaxFrameLength - _ip.MaxFrameLength;
        bool exchange = linkRoom <= EthernetView.TaggedHeaderLength - EthernetView.HeaderLength;
        int slotLength = exchange ? _link.MaxFrameLength : _ip.MaxFrameLength;
        GsoBufferPool? transmitGso = null;
        if (options.SegmentationOffload && gsoLink is { TransmitsGso: true } && slotLength < GsoFrame.MaxLength)
        {
            transmitGso = exchange ? gsoLink.TransmitGsoBuffers : new GsoBufferPool(options.BatchSize, slotLength, GsoFrame.MaxLength);
        }

        _tx = new FrameBatch(options.BatchSize, slotLength, transmitGso);
        _ip.SetUpperLayer(IpProtocol.Tcp, new TcpInput(this));
        _onFramesWaiting = OnFramesWaiting;
        _thread = new Thread(Run) { IsBackground = true, Name = $"devmem engine {_ip.MacAddress}" };
        _thread.Start();
    }

    /// <summary>Where the NIC's payload skbs come from (<see cref="SkbPool.InUse"/> is 0 once everything is returned).</summary>
    public SkbPool SkbPool => _nic.SkbPool;

    /// <summary>
    /// Runs <paramref name="configure"/> on the loop thread, which owns the NIC: bind-rx, flow rules, RSS, ring
    /// settings (ethtool and netlink's work). Exceptions come back to the caller.
    /// </summary>
    public void ConfigureNic(Action<EmulatedNic> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Invoke(() =>
        {
            configure(_nic);
            return true;
        });
    }

    /// <summary>
    /// listen(2) on <paramref name="port"/> of every local address, IPv4 and IPv6. Throws
    /// <see cref="DevmemException"/> EADDRINUSE when the port already has a listener.
    /// </summary>
    public EngineTcpListener Listen(ushort port) => Invoke(() =>
    {
        // One listener serves both families; each peer is offered the MSS that fits its family's packets.
        TcpListener tcp = _demux.Listen(Ipv6Address.Unspecified, port, _backlog, _backlog, OptionsFor(IpVersion.V6), OptionsFor(IpVersion.V4));
        var listener = new EngineTcpListener(this, tcp);
        _listeners.Add(port, listener);
        return listener;
    });

    /// <summary>
    /// connect(2) to <paramref name="remote"/> from an ephemeral port, completing once the handshake does.
    /// Throws <see cref="DevmemException"/>: ECONNREFUSED (the peer answered RST), ETIMEDOUT (no answer to
    /// the SYN retransmissions), ENETUNREACH (no address of that family), EADDRNOTAVAIL (no port free).
    /// </summary>
    public async Task<EngineTcpSocket> ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        IpAddress destination = EngineAddresses.FromEndPoint(remote);
        var completion = new TaskCompletionSource<EngineTcpSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!Post(() => StartConnect(destination, (ushort)remote.Port, completion)), this);

        // A cancelled attempt is closed by the loop when it next looks at the connection (EngineConnection.Update).
        using (cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken)))
        {
            return await completion.Task.ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"user-space engine {_ip.MacAddress} ({_connections.Count} connections)";

    private void StartConnect(IpAddress destination, ushort port, TaskCompletionSource<EngineTcpSocket> completion)
    {
        if (!_ip.TrySelectSourceAddress(destination, out IpAddress source))
        {
            completion.TrySetException(new DevmemException(Errno.ENETUNREACH, $"the interface has no {destination.Version} address to reach {destination}"));
            return;
        }

        TcpConnection tcp;
        try
        {
            tcp = _demux.Connect(EngineAddresses.ToTuple(source), EngineAddresses.ToTuple(destination), port, _now, OptionsFor(destination.Version));
        }
        catch (DevmemException e)
        {
            completion.TrySetException(e);
            return;
        }

        var connection = new EngineConnection(this, tcp, listener: null);
        connection.AwaitConnect(completion);
        _connections.Add(tcp, connection);
        Touch(connection);
    }

    // The MSS we announce must fit the interface's MTU once the IP and TCP headers are added (RFC 9293 §3.7.1).
    private TcpConnectionOptions OptionsFor(IpVersion version)
    {
        int ipHeader = version == IpVersion.V6 ? Ipv6View.HeaderLength : Ipv4View.MinHeaderLength;
        int mss = Math.Min(_tcpOptions.Mss, _ip.Mtu - ipHeader - TcpSegmentView.MinHeaderLength);
        return mss == _tcpOptions.Mss ? _tcpOptions : _tcpOptions with { Mss = mss };
    }

    internal void StopListening(EngineTcpListener listener)
    {
        _demux.StopListening(listener.Tcp);
        _listeners.Remove(listener.Port);
        listener.Complete();
    }

    // Runs a function on the loop thread and waits for its result (the synchronous control calls).
    private T Invoke<T>(Func<T> function)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool posted = Post(() =>
        {
            try
            {
                completion.SetResult(function());
            }
            catch (Exception e)
            {
                // The caller's failure (EADDRINUSE, a refused bind-rx, a bug in its callback), not the loop's.
                completion.SetException(e);
            }
        });
        ObjectDisposedException.ThrowIf(!posted, this);
        return completion.Task.GetAwaiter().GetResult();
    }
}
