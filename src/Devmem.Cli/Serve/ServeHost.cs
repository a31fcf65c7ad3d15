using System.Collections.Concurrent;
using System.Net;
using Devmem.Cli.Transfer;
using Devmem.Memory;
using Devmem.Stack.Sockets;
using Devmem.Uapi;
using Microsoft.Extensions.Logging;

namespace Devmem.Cli.Serve;

/// <summary>
/// <c>devmem serve</c>'s services on a started user-space engine, for as many connections as come: discard
/// (the NIC steers the port into the dma-buf; fragments are counted and their tokens returned at once, the
/// payload never read) and echo (ordinary receive; every byte sent back). Stopping closes the listeners and
/// every connection; the caller then tears the engine down and checks leaks.
/// </summary>
internal sealed partial class ServeHost
{
    private const int EchoBufferSize = 64 * 1024;

    private readonly UserSpaceEngine _engine;
    private readonly DmaBufBinding _binding;
    private readonly ServeOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private long _discardConnections;
    private long _echoConnections;
    private long _failedConnections;
    private long _echoBytes;

    public ServeHost(UserSpaceEngine engine, DmaBufBinding binding, ServeOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.DiscardPort is null && options.EchoPort is null)
        {
            throw new ArgumentException("nothing to serve: give --discard PORT, --echo PORT or both");
        }

        _engine = engine;
        _binding = binding;
        _options = options;
        _logger = logger;
    }

    /// <summary>Device-memory receive counts of the discard service, all connections together.</summary>
    public ReceiveCounters Discarded { get; } = new();

    /// <summary>Serves until <paramref name="stop"/> is cancelled; returns once every connection is closed.</summary>
    /// <param name="listening">Completed once the ports are open (tests connect after it).</param>
    /// <param name="stop">Cancelled by SIGINT or SIGTERM.</param>
    public async Task RunAsync(TaskCompletionSource? listening, CancellationToken stop)
    {
        var listeners = new List<EngineTcpListener>();
        var accepting = new List<Task>();
        try
        {
            if (_options.DiscardPort is ushort discard)
            {
                // ncdevmem's set-up: the last queue bound to the dma-buf, RSS over the others, the port steered to it.
                int rxQueues = 0;
                _engine.ConfigureNic(nic => rxQueues = nic.RxQueueCount);
                (int queue, int count) = DevmemNicSetup.DefaultQueues(rxQueues);
                DevmemNicSetup.BindQueues(_engine, _binding, queue, count, configureRss: true);
                DevmemNicSetup.Steer(_engine, _options.Address, discard, queue);
                EngineTcpListener listener = _engine.Listen(discard);
                listeners.Add(listener);
                accepting.Add(AcceptLoopAsync(listener, DiscardAsync, stop));
                LogListening(_logger, "discard", _options.Address, discard);
            }

            if (_options.EchoPort is ushort echo)
            {
                EngineTcpListener listener = _engine.Listen(echo);
                listeners.Add(listener);
                accepting.Add(AcceptLoopAsync(listener, EchoAsync, stop));
                LogListening(_logger, "echo", _options.Address, echo);
            }

            listening?.TrySetResult();
            await Task.WhenAll(accepting).ConfigureAwait(false);
        }
        finally
        {
            foreach (EngineTcpListener listener in listeners)
            {
                listener.Dispose();
            }

            // Each connection watches the same token, closes its socket and ends; none is left behind.
            await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        }
    }

    /// <summary>The counts so far, with the teardown's findings.</summary>
    public ServeReport Report(TeardownReport teardown)
    {
        ArgumentNullException.ThrowIfNull(teardown);
        return new ServeReport(
            Interlocked.Read(ref _discardConnections),
            Interlocked.Read(ref _echoConnections),
            Interlocked.Read(ref _failedConnections),
            Discarded.Bytes,
            Interlocked.Read(ref _echoBytes),
            Discarded.DeviceFragments,
            Discarded.LinearBytes,
            Discarded.TokensIssued,
            Discarded.TokensReturned,
            teardown.LeakedNetIovs,
            teardown.LeakReport);
    }

    private async Task AcceptLoopAsync(EngineTcpListener listener, Func<EngineTcpSocket, CancellationToken, Task> serve, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            EngineTcpSocket socket;
            try
            {
                socket = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Task connection = RunConnectionAsync(socket, serve, stop);
            _connections.TryAdd(connection, true);
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task RunConnectionAsync(EngineTcpSocket socket, Func<EngineTcpSocket, CancellationToken, Task> serve, CancellationToken stop)
    {
        // Off the accept loop at once: a slow connection must not delay the next accept.
        await Task.Yield();
        using (socket)
        {
            IPEndPoint peer = socket.RemoteEndPoint;
            LogConnected(_logger, peer, socket.LocalEndPoint.Port);
            try
            {
                await serve(socket, stop).ConfigureAwait(false);
                LogClosed(_logger, peer);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                LogClosed(_logger, peer);
            }
            catch (DevmemException e)
            {
                Interlocked.Increment(ref _failedConnections);
                LogFailed(_logger, peer, e.Message);
            }
        }
    }

    private async Task DiscardAsync(EngineTcpSocket socket, CancellationToken stop)
    {
        Interlocked.Increment(ref _discardConnections);
        var consumer = new DevmemStreamConsumer(_binding.DmaBuf, _binding.Id, new ConsumerOptions { Sink = true }, Discarded);
        if (await consumer.ConsumeAsync(new EngineDevmemSource(socket.Receiver), stop).ConfigureAwait(false) is { } error)
        {
            throw new DevmemException(Errno.EPROTO, error);
        }

        socket.ShutdownSend();
    }

    private async Task EchoAsync(EngineTcpSocket socket, CancellationToken stop)
    {
        Interlocked.Increment(ref _echoConnections);
        var buffer = new byte[EchoBufferSize];
        var fragments = new DevmemFragment[1];
        while (true)
        {
            DevmemReceiveResult received = await socket.Receiver.ReceiveAsync(buffer, fragments, buffer.Length, MessageFlags.None, stop).ConfigureAwait(false);
            if (received.IsEndOfStream)
            {
                socket.ShutdownSend();
                return;
            }

            // The buffer is reused only after the send completes, as SendAsync requires.
            await socket.SendAsync(buffer.AsMemory(0, received.Bytes), stop).ConfigureAwait(false);
            Interlocked.Add(ref _echoBytes, received.Bytes);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Service} listening on {Address} port {Port}")]
    private static partial void LogListening(ILogger logger, string service, IPAddress address, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Peer} connected to port {Port}")]
    private static partial void LogConnected(ILogger logger, IPEndPoint peer, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Peer} closed")]
    private static partial void LogClosed(ILogger logger, IPEndPoint peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Peer} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, IPEndPoint peer, string reason);
}
