using Devmem.Stack.Ip;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Sockets;

/// <summary>
/// The loop's side of one connection: the TCP control block, the IP fields of its segments, its place in
/// the <see cref="ConnectionScheduler"/>, and the application's requests in progress (connect, one send,
/// shutdown, close). Every member but <see cref="RequestService"/>, <see cref="TryStartSend"/>,
/// <see cref="TryStartBlockingSend"/>, <see cref="WaitForBlockingSend"/>, <see cref="StageSend"/>, <see cref="RequestSendShutdown"/>, <see cref="RequestSendCancellation"/> and <see cref="State"/> runs on the loop thread.
/// </summary>
internal sealed class EngineConnection
{
    private readonly UserSpaceEngine _engine;
    private readonly Action _service;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _sendAcknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SendCompletion _sendCompletion = new();
    private readonly Action _beginSend;
    private readonly Action _cancelSend;
    private TaskCompletionSource<EngineTcpSocket>? _connect;

    // The send the application started, until the loop takes it (the post is the hand-over's memory barrier).
    private ReadOnlyMemory<byte> _startedSend;
    private CancellationToken _startedSendCancellation;

    // The send the loop is feeding into the send buffer.
    private bool _sending;
    private ReadOnlyMemory<byte> _sendRemaining;
    private CancellationToken _sendCancellation;
    private bool _shutdownPending;

    // Application side: shutdown(SHUT_WR) was called, so nothing more may be staged (it would follow the FIN).
    private volatile bool _sendShutdownRequested;
    private bool _closedByApplication;
    private int _serviceRequested;
    private volatile TcpState _state;

    public EngineConnection(UserSpaceEngine engine, TcpConnection tcp, EngineTcpListener? listener)
    {
        _engine = engine;
        Tcp = tcp;
        Listener = listener;
        Request = new IpSendRequest
        {
            Destination = EngineAddresses.FromTuple(tcp.Tuple.RemoteAddress),
            Source = EngineAddresses.FromTuple(tcp.Tuple.LocalAddress),
            Protocol = IpProtocol.Tcp,
        };
        _service = () =>
        {
            Volatile.Write(ref _serviceRequested, 0);
            _engine.Touch(this);
        };
        _beginSend = BeginSend;
        _cancelSend = CancelSend;

        // A receive or a token return freed window space: the loop decides whether an update is due.
        tcp.Receiver.SpaceFreed += (_, _) => RequestService();

        // The loop wakes the reader once per receive pass (UserSpaceEngine.FlushReaderWakeups).
        tcp.Receiver.DeferWakeups = true;
    }

    public TcpConnection Tcp { get; }

    /// <summary>The IP fields of every segment: the tuple's addresses, TCP.</summary>
    public IpSendRequest Request { get; }

    /// <summary>The deadline the scheduler holds for it; <see cref="TcpConnection.Never"/> when unscheduled.</summary>
    public long ScheduledAt { get; set; } = TcpConnection.Never;

    /// <summary>The listener that created it, until the application accepts it.</summary>
    public EngineTcpListener? Listener { get; set; }

    /// <summary>Loop thread: segments reached the connection in this receive pass; its reader is woken at the end of it.</summary>
    public bool ReaderWakeupPending { get; set; }

    /// <summary>The application's socket, once connected or accepted.</summary>
    public EngineTcpSocket? Socket { get; private set; }

    /// <summary>The state as of the loop's last look (readable from any thread).</summary>
    public TcpState State => _state;

    /// <summary>Completes at CLOSED or TIME-WAIT: cleanly, or with the connection's error.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Completes once our FIN, and so every byte before it, is acknowledged (or the connection ended).</summary>
    public Task SendAcknowledged => _sendAcknowledged.Task;

    public string RemoteName => EngineAddresses.ToEndPoint(Tcp.Tuple.RemoteAddress, Tcp.RemotePort).ToString();

    /// <summary>Any thread: asks the loop to look at the connection again (at most one request queued at a time).</summary>
    public void RequestService()
    {
        if (Interlocked.Exchange(ref _serviceRequested, 1) == 0)
        {
            _engine.Post(_service);
        }
    }

    public void AwaitConnect(TaskCompletionSource<EngineTcpSocket> completion) => _connect = completion;

    public EngineTcpSocket CreateSocket()
    {
        Socket = new EngineTcpSocket(_engine, this);
        return Socket;
    }

    /// <summary>
    /// Application thread: hands <paramref name="data"/> to the loop; <paramref name="completion"/> completes once
    /// every byte is in the send buffer. False when the engine has stopped. Throws when a send is in flight.
    /// </summary>
    /// <exception cref="InvalidOperationException">The previous send has not been awaited.</exception>
    public bool TryStartSend(ReadOnlyMemory<byte> data, CancellationToken cancellationToken, out ValueTask completion) =>
        StartSend(data, blocking: false, out completion, cancellationToken);

    /// <summary>Application thread: as <see cref="TryStartSend(ReadOnlyMemory{byte}, CancellationToken, out ValueTask)"/>, for <see cref="WaitForBlockingSend"/>.</summary>
    public bool TryStartBlockingSend(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        StartSend(data, blocking: true, out _, cancellationToken);

    private bool StartSend(ReadOnlyMemory<byte> data, bool blocking, out ValueTask completion, CancellationToken cancellationToken)
    {
        if (!_sendCompletion.TryStart(blocking, out completion))
        {
            throw new InvalidOperationException("one send at a time: let the previous one complete first");
        }

        _startedSend = data;
        _startedSendCancellation = cancellationToken;
        if (!_engine.Post(_beginSend))
        {
            _startedSend = default;
            _sendCompletion.Withdraw();
            return false;
        }

        return true;
    }

    /// <summary>
    /// Application thread: copies as much of <paramref name="data"/> as the send buffer has room for, on the
    /// caller's thread (Linux's tcp_sendmsg copies in the caller's context too), and asks the loop to take it
    /// in; returns the count, 0 when the connection may not take data this way now (shut down for sending,
    /// not established, gone), so the caller's posted send reports why.
    /// </summary>
    /// <exception cref="InvalidOperationException">A send is in flight.</exception>
    public int StageSend(ReadOnlySpan<byte> data)
    {
        if (!_sendCompletion.TryAcquire())
        {
            throw new InvalidOperationException("one send at a time: let the previous one complete first");
        }

        try
        {
            if (_sendShutdownRequested || _state is not (TcpState.Established or TcpState.CloseWait))
            {
                return 0;
            }

            int staged = Tcp.StageSend(data);
            if (staged > 0)
            {
                RequestService();
            }

            return staged;
        }
        finally
        {
            _sendCompletion.Release();
        }
    }

    /// <summary>Application thread: shutdown(SHUT_WR) was asked for; from now on nothing is staged.</summary>
    public void RequestSendShutdown() => _sendShutdownRequested = true;

    /// <summary>Application thread: waits for the blocking send it started (<see cref="TryStartSend"/> with blocking).</summary>
    public void WaitForBlockingSend() => _sendCompletion.Wait();

    /// <summary>
    /// Any thread, from the send's cancellation callback: asks the loop to stop the send. Commands run in order,
    /// so the request reaches the loop before any later send can start, and finds this send or none.
    /// </summary>
    public void RequestSendCancellation() => _engine.Post(_cancelSend);

    private void BeginSend()
    {
        _sending = true;
        _sendRemaining = _startedSend;
        _sendCancellation = _startedSendCancellation;
        _startedSend = default;
        _engine.Touch(this);
    }

    private void CancelSend()
    {
        if (_sending)
        {
            CompleteSend(new OperationCanceledException(_sendCancellation));
        }
    }

    // Ends the send in progress: successfully (null) or with the error its caller gets.
    private void CompleteSend(Exception? error)
    {
        _sending = false;
        _sendRemaining = default;
        _sendCancellation = default;
        if (error is null)
        {
            _sendCompletion.SetResult();
        }
        else
        {
            _sendCompletion.SetException(error);
        }
    }

    /// <summary>shutdown(SHUT_WR): the FIN follows the data of a send still in progress.</summary>
    public void ShutdownSend() => _shutdownPending = true;

    /// <summary>The application disposed its socket (or never got one): nobody reads the receive queue any more.</summary>
    public bool IsOrphaned => Socket is null || _closedByApplication;

    /// <summary>close(2): FIN after the buffered data, or RST when received data was never read (as Linux does).</summary>
    public void CloseFromApplication(bool abort = false)
    {
        _closedByApplication = true;
        if (_sending)
        {
            CompleteSend(SocketErrors.For(Errno.ECONNABORTED, RemoteName));
        }

        if (abort || Tcp.Receiver.QueuedBytes > 0)
        {
            Tcp.Abort();
        }
        else
        {
            Tcp.Close();
        }

        Tcp.Receiver.Dispose();
    }

    /// <summary>
    /// After TCP ran: writes what the send buffer takes, sends the FIN asked for, and settles the
    /// application's requests that the state now answers.
    /// </summary>
    public void Update()
    {
        Tcp.AcceptStagedSend();
        FeedSend();
        if (_shutdownPending && !_sending)
        {
            _shutdownPending = false;
            Tcp.Close();
        }

        TcpState state = Tcp.State;
        _state = state;
        if (_connect is { } connect && (state != TcpState.SynSent || connect.Task.IsCompleted))
        {
            _connect = null;
            if (Tcp.IsEstablishedOrLater)
            {
                EngineTcpSocket socket = CreateSocket();
                if (!connect.TrySetResult(socket))
                {
                    // The caller cancelled while the handshake completed: nobody will use the socket.
                    socket.Dispose();
                }
            }
            else if (!connect.TrySetException(SocketErrors.For(ErrorOr(Errno.ECONNABORTED), RemoteName)))
            {
                // Cancelled by the caller: CLOSE in SYN-SENT ends the attempt.
                Tcp.Close();
                state = Tcp.State;
                _state = state;
            }
        }

        if (state is TcpState.FinWait2 or TcpState.TimeWait or TcpState.Closed)
        {
            _sendAcknowledged.TrySetResult();
        }

        if (state is TcpState.Closed or TcpState.TimeWait)
        {
            if (Tcp.Error == Errno.None)
            {
                _closed.TrySetResult();
            }
            else
            {
                _closed.TrySetException(SocketErrors.For(Tcp.Error, RemoteName));
            }
        }
    }

    /// <summary>The engine stops: the connection is aborted and every request fails.</summary>
    public void Abandon()
    {
        Tcp.Abort();
        Tcp.Receiver.Dispose();
        var error = SocketErrors.For(ErrorOr(Errno.ECONNABORTED), RemoteName);
        _connect?.TrySetException(error);
        _connect = null;
        if (_sending)
        {
            CompleteSend(error);
        }

        _state = Tcp.State;
        _closed.TrySetException(error);
        _sendAcknowledged.TrySetResult();
    }

    private Errno ErrorOr(Errno fallback) => Tcp.Error == Errno.None ? fallback : Tcp.Error;

    private void FeedSend()
    {
        if (!_sending)
        {
            return;
        }

        int written = Tcp.Send(_sendRemaining.Span);
        if (written < 0)
        {
            var errno = (Errno)(-written);
            CompleteSend(SocketErrors.For(errno == Errno.EPIPE ? ErrorOr(Errno.EPIPE) : errno, RemoteName));
            return;
        }

        _sendRemaining = _sendRemaining[written..];
        if (_sendRemaining.IsEmpty)
        {
            CompleteSend(null);
        }
    }
}
