using System.Threading.Channels;
using Devmem.Stack.Tcp;
using Devmem.Uapi;

namespace Devmem.Stack.Sockets;

/// <summary>
/// A listening socket of a <see cref="UserSpaceEngine"/> (from <see cref="UserSpaceEngine.Listen"/>): the
/// loop moves each connection whose handshake completed into a queue that <see cref="AcceptAsync"/> takes from.
/// </summary>
public sealed class EngineTcpListener : IDisposable
{
    private readonly UserSpaceEngine _engine;
    private readonly Channel<EngineTcpSocket> _accepted = Channel.CreateUnbounded<EngineTcpSocket>(
        new UnboundedChannelOptions { SingleWriter = true });
    private int _disposed;

    internal EngineTcpListener(UserSpaceEngine engine, TcpListener tcp)
    {
        _engine = engine;
        Tcp = tcp;
    }

    /// <summary>The port listened on (any local address).</summary>
    public ushort Port => Tcp.LocalPort;

    /// <summary>
    /// What the listener refused or answered statelessly: drops by reason (SYN queue full, accept queue full,
    /// unexpected segments) and SYN cookies sent, validated and failed. Written by the engine thread; may be
    /// a moment stale here.
    /// </summary>
    public TcpCounters Counters => Tcp.Counters;

    /// <summary>Handshakes in progress (the SYN queue), at most the engine's backlog.</summary>
    public int PendingHandshakes => Tcp.SynQueueCount;

    internal TcpListener Tcp { get; }

    /// <summary>
    /// accept(2): the next established connection, waiting for one without blocking a thread. Throws
    /// <see cref="DevmemException"/> ECONNABORTED once the listener or the engine is disposed.
    /// </summary>
    public async ValueTask<EngineTcpSocket> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new DevmemException(Errno.ECONNABORTED, $"the listener on port {Port} was closed", e);
        }
    }

    /// <summary>Stops listening. Connections already accepted stay; those not yet accepted are aborted.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _engine.Post(() => _engine.StopListening(this));
        }
    }

    /// <summary>Loop thread: hands an established connection to the application.</summary>
    internal void Deliver(EngineTcpSocket socket)
    {
        if (!_accepted.Writer.TryWrite(socket))
        {
            socket.Dispose();
        }
    }

    /// <summary>Loop thread: no more connections will come; unaccepted ones are disposed.</summary>
    internal void Complete()
    {
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out EngineTcpSocket? socket))
        {
            socket.Dispose();
        }
    }
}
