using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Devmem.Receive;
using Devmem.Stack.Tcp;
using Devmem.Uapi;

namespace Devmem.Stack.Sockets;

/// <summary>
/// A connected TCP socket of a <see cref="UserSpaceEngine"/>. Sending crosses to the engine's loop through
/// its command queue; receiving does not: <see cref="Receiver"/> is the connection's own receive queue, read
/// (device fragments, linear records, readable bytes) and given tokens back on the application's thread.
/// </summary>
public sealed class EngineTcpSocket : IDisposable
{
    private readonly UserSpaceEngine _engine;
    private readonly EngineConnection _connection;
    private int _disposed;

    internal EngineTcpSocket(UserSpaceEngine engine, EngineConnection connection)
    {
        _engine = engine;
        _connection = connection;
        LocalEndPoint = EngineAddresses.ToEndPoint(connection.Tcp.Tuple.LocalAddress, connection.Tcp.LocalPort);
        RemoteEndPoint = EngineAddresses.ToEndPoint(connection.Tcp.Tuple.RemoteAddress, connection.Tcp.RemotePort);
    }

    /// <summary>Our address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The peer's address and port.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>
    /// The receive half: <see cref="DevmemReceiver.ReceiveAsync"/> and friends return device fragments when
    /// the NIC steered the flow to a queue bound to a dma-buf, readable bytes otherwise; return the tokens
    /// with <see cref="DevmemReceiver.ReturnTokens"/>. End of stream is a receive of 0 bytes.
    /// </summary>
    public DevmemReceiver Receiver => _connection.Tcp.Receiver;

    /// <summary>
    /// The connection's segment, retransmission, recovery and drop counters (written by the engine thread;
    /// read here they may be a moment stale, never torn).
    /// </summary>
    public TcpCounters Counters => _connection.Tcp.Counters;

    /// <summary>The TCP state as of the engine's last look at the connection.</summary>
    public TcpState State => _connection.State;

    /// <summary>
    /// Completes when the connection is over (CLOSED, or TIME-WAIT after a clean close): successfully, or
    /// with a <see cref="DevmemException"/> carrying the failure (ECONNRESET, ETIMEDOUT, ECONNABORTED).
    /// </summary>
    public Task Closed => _connection.Closed;

    /// <summary>
    /// Copies <paramref name="data"/> into the send buffer, waiting for room as the peer acknowledges; completes
    /// once every byte is buffered. What fits at once is copied on the caller's thread and the call completes
    /// synchronously; the rest is handed to the engine's loop, which copies it as room frees up. One send at a time. Throws <see cref="DevmemException"/> EPIPE after
    /// <see cref="ShutdownSend"/>, or the connection's error (ECONNRESET, ETIMEDOUT).
    /// </summary>
    /// <remarks>
    /// <paramref name="data"/> must stay unchanged until the returned task completes. Cancelling stops the
    /// wait for room; bytes already buffered are still sent. Await each send (once, as any
    /// <see cref="ValueTask"/>) before starting the next: one started while another is in flight throws
    /// <see cref="InvalidOperationException"/>.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (data.IsEmpty)
        {
            return;
        }

        if (StageWhatFits(ref data))
        {
            return;
        }

        // The connection's reusable completion and a pooled state machine: nothing is allocated per send.
        ObjectDisposedException.ThrowIf(!_connection.TryStartSend(data, cancellationToken, out ValueTask sent), _engine);
        if (!cancellationToken.CanBeCanceled)
        {
            await sent.ConfigureAwait(false);
            return;
        }

        using (cancellationToken.UnsafeRegister(static state => ((EngineConnection)state!).RequestSendCancellation(), _connection))
        {
            await sent.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <see cref="SendAsync"/> for a thread of its own (send(2) on a blocking socket): returns once every byte is
    /// in the send buffer. The loop wakes the waiting thread directly, with no thread-pool worker in between,
    /// as the blocking <see cref="DevmemReceiver.Receive"/> is woken on the receive side. Same errors as
    /// <see cref="SendAsync"/>.
    /// </summary>
    public void Send(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (data.IsEmpty)
        {
            return;
        }

        if (StageWhatFits(ref data))
        {
            return;
        }

        ObjectDisposedException.ThrowIf(!_connection.TryStartBlockingSend(data, cancellationToken), _engine);
        if (!cancellationToken.CanBeCanceled)
        {
            _connection.WaitForBlockingSend();
            return;
        }

        using (cancellationToken.UnsafeRegister(static state => ((EngineConnection)state!).RequestSendCancellation(), _connection))
        {
            _connection.WaitForBlockingSend();
        }
    }

    // What fits goes into the send buffer on the caller's thread; true when that was all of it, else data is
    // left holding the rest, for the loop to take as room frees up.
    private bool StageWhatFits(ref ReadOnlyMemory<byte> data)
    {
        int staged = _connection.StageSend(data.Span);
        data = data[staged..];
        return data.IsEmpty;
    }

    /// <summary>
    /// shutdown(SHUT_WR): a FIN follows the data already sent; receiving goes on. Throws
    /// <see cref="DevmemException"/> ENOTCONN when the connection is already gone (reset, timed out).
    /// </summary>
    public void ShutdownSend()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (State == TcpState.Closed)
        {
            throw SocketErrors.For(Errno.ENOTCONN, RemoteEndPoint.ToString());
        }

        _connection.RequestSendShutdown();
        _engine.Post(() =>
        {
            _connection.ShutdownSend();
            _engine.Touch(_connection);
        });
    }

    /// <summary>
    /// close(2): a FIN after the buffered data, or an RST when received data was left unread; tokens still
    /// held are released, so return or copy what you need first. The connection finishes in the engine.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _engine.Post(() => _engine.CloseSocket(_connection));
        }
    }

    /// <summary>
    /// shutdown(2): <see cref="SocketShutdown.Send"/> is <see cref="ShutdownSend"/>; <see cref="SocketShutdown.Receive"/>
    /// makes receives return end of stream and frees the stream's data as it arrives
    /// (<see cref="DevmemReceiver.ShutdownReceive"/>); <see cref="SocketShutdown.Both"/> does both.
    /// </summary>
    public void Shutdown(SocketShutdown how)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (how is SocketShutdown.Receive or SocketShutdown.Both)
        {
            Receiver.ShutdownReceive();
        }

        if (how is SocketShutdown.Send or SocketShutdown.Both)
        {
            ShutdownSend();
        }
    }

    /// <summary>
    /// close(2) with SO_LINGER {on, <paramref name="linger"/>}, as Linux does it: a FIN follows the buffered
    /// data, and the call waits until the peer has acknowledged all of it or the time is up. True when
    /// everything was acknowledged in time; either way the socket is closed and the engine finishes the
    /// connection (a zero linger is <see cref="Abort"/>).
    /// </summary>
    public async Task<bool> CloseAsync(TimeSpan linger, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(linger, TimeSpan.Zero);
        if (linger == TimeSpan.Zero)
        {
            Abort();
            return false;
        }

        if (State != TcpState.Closed)
        {
            ShutdownSend();
        }

        try
        {
            await _connection.SendAcknowledged.WaitAsync(linger, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>
    /// close(2) with SO_LINGER set to zero: an RST at once instead of a FIN, buffered data discarded, held
    /// tokens released (ECONNRESET for the peer).
    /// </summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _engine.Post(() => _engine.CloseSocket(_connection, abort: true));
        }
    }

    /// <summary>TCP_NODELAY: short segments go without waiting for outstanding data to be acknowledged.</summary>
    public void SetNoDelay(bool enabled) => SetOption(tcp => tcp.NoDelay = enabled);

    /// <summary>TCP_CORK: only full segments go until uncorked (a partial one waits 200 ms at most).</summary>
    public void SetCork(bool enabled) => SetOption(tcp => tcp.Cork = enabled);

    /// <summary>TCP_USER_TIMEOUT (RFC 5482): unacknowledged data older than this ends the connection with ETIMEDOUT; zero for none.</summary>
    public void SetUserTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        SetOption(tcp => tcp.UserTimeout = timeout);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{LocalEndPoint} -> {RemoteEndPoint} ({State})";

    // Options belong to the loop thread like the rest of TCP; the change takes effect on its next turn.
    private void SetOption(Action<TcpConnection> change)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ObjectDisposedException.ThrowIf(!_engine.Post(() =>
        {
            change(_connection.Tcp);
            _engine.Touch(_connection);
        }), _engine);
    }
}
