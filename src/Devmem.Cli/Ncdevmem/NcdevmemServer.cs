using System.Globalization;
using Devmem.Cli.Transfer;
using Devmem.Memory;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Uapi;

namespace Devmem.Cli.Ncdevmem;

/// <summary>
/// ncdevmem's server (<c>-l</c>) on a started user-space engine: binds the devmem queues to the caller's
/// dma-buf, steers the flow to them, accepts one connection and receives it in device memory until the client
/// closes, then says <c>ncdevmem: ok</c> with its page-aligned and unaligned frag counts.
/// </summary>
/// <remarks>
/// Messages go to <c>log</c> (ncdevmem's stderr) in ncdevmem's words; without <c>-v</c> the received bytes go
/// to <c>output</c> (its stdout) in stream order. The caller owns the engine and the binding, so it decides
/// when to tear down and checks leaks.
/// </remarks>
internal sealed class NcdevmemServer
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly UserSpaceEngine _engine;
    private readonly DmaBufBinding _binding;
    private readonly NcdevmemServerOptions _options;
    private readonly TextWriter _log;
    private readonly Stream? _output;

    public NcdevmemServer(UserSpaceEngine engine, DmaBufBinding binding, NcdevmemServerOptions options, TextWriter log, Stream? output)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        _engine = engine;
        _binding = binding;
        _options = options;
        _log = log;
        _output = output;
    }

    /// <summary>What was received so far.</summary>
    public ReceiveCounters Counters { get; } = new();

    /// <summary>Pattern mismatches (with <c>-v</c>).</summary>
    public int ValidationErrors { get; private set; }

    /// <summary>The served connection's TCP counters, once a client connected.</summary>
    public TcpCounters? Connection { get; private set; }

    /// <summary>Sets up the NIC and listens; completes when the port is open, so a client can connect.</summary>
    public EngineTcpListener Listen()
    {
        int rxQueues = 0;
        _engine.ConfigureNic(nic => rxQueues = nic.RxQueueCount);
        int count = _options.QueueCount ?? 1;
        int first = _options.FirstQueue ?? rxQueues - count;
        DevmemNicSetup.BindQueues(_engine, _binding, first, count, configureRss: !_options.SkipNicConfiguration);
        if (!_options.SkipNicConfiguration)
        {
            DevmemNicSetup.Steer(_engine, _options.Address, _options.Port, first);
        }

        EngineTcpListener listener = _engine.Listen(_options.Port);
        NcdevmemSession.Waiting(_log, _options.Address, _options.Port);
        return listener;
    }

    /// <summary>
    /// Serves one client on <paramref name="listener"/> (from <see cref="Listen"/>): null when every byte arrived
    /// as it should, else ncdevmem's reason for failing (also printed as <c>ncdevmem: REASON</c>).
    /// </summary>
    public async Task<string?> ServeOneAsync(EngineTcpListener listener, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        using EngineTcpSocket socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
        Connection = socket.Counters;
        NcdevmemSession.Connected(_log, socket.RemoteEndPoint);
        (string? error, ValidationErrors) = await NcdevmemSession.ReceiveAsync(new EngineDevmemSource(socket.Receiver), _binding.DmaBuf, _binding.Id,
            _options, _log, _output, Counters, cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            await CloseAsync(socket, cancellationToken).ConfigureAwait(false);
        }

        return error;
    }

    // Our FIN must reach the client before the caller stops the engine, or the client waits for it forever;
    // the connection is over once the client acknowledges it (LAST-ACK to CLOSED).
    private static async Task CloseAsync(EngineTcpSocket socket, CancellationToken cancellationToken)
    {
        socket.ShutdownSend();
        try
        {
            await socket.Closed.WaitAsync(CloseTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DevmemException or TimeoutException)
        {
            // A client that reset or vanished has what it asked for; the data already validated.
        }
    }

    /// <summary>ncdevmem's whole server run: <see cref="Listen"/>, then <see cref="ServeOneAsync"/>.</summary>
    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        using EngineTcpListener listener = Listen();
        return await ServeOneAsync(listener, cancellationToken).ConfigureAwait(false);
    }
}
