using Devmem.Receive;
using Devmem.Skb;
using Devmem.Stack.Tcp.Congestion;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Tcp;

/// <summary>
/// One TCP connection's control block and state machine (RFC 9293), sans-IO: it never touches a socket, a
/// thread or a clock. A driver hands it arriving segments with <see cref="Process"/>, collects segments to
/// send with <see cref="TryDispatch"/> until it returns false, and calls again no later than
/// <see cref="PollAt"/> (smoltcp's process/dispatch/poll_at split). Time is a monotonic count of
/// microseconds chosen by the driver; a test drives it with a manual clock.
/// </summary>
/// <remarks>
/// <para>Received payload arrives as the skb the NIC built and leaves as that skb (or the trimmed part of
/// it) in the <see cref="DevmemReceiver"/>'s queue: device memory is never read or copied here. Data to
/// send is ordinary host memory in a <see cref="TcpSendBuffer"/>.</para>
/// <para>The type is split by concern: this file holds the control block and the user calls of
/// RFC 9293 §3.10.1-§3.10.6; <c>.Arrival</c> the segment-arrival checks of §3.10.7; <c>.Acknowledgment</c>
/// the ACK field, RTT and congestion control; <c>.Text</c> the receive path; <c>.Output</c> the segments we
/// send; <c>.Timers</c> the timers and <see cref="PollAt"/>.</para>
/// <para>Not thread-safe: one engine thread calls it. The application's side (receive, token return)
/// goes through the <see cref="DevmemReceiver"/>, which is.</para>
/// </remarks>
public sealed partial class TcpConnection
{
    /// <summary>A deadline that never comes.</summary>
    public const long Never = long.MaxValue;

    private readonly TcpConnectionOptions _options;
    private readonly DevmemReceiver _receiver;
    private readonly TcpSendBuffer _sendBuffer;
    private readonly OutOfOrderQueue _outOfOrder;
    private readonly SackReport _sackReport = new();
    private readonly ReceiveWindow _window;
    private readonly AckScheduler _acks;
    private readonly TimestampState _timestamps = new();
    private readonly ChallengeAckLimiter _challengeAcks;
    private readonly RttEstimator _rtt;
    private readonly CongestionControl _congestion;
    private readonly SackScoreboard _scoreboard;

    // RFC 9293 §3.3.1 send sequence variables, plus SND.MAX (one past the highest number ever sent, as BSD
    // keeps it): after a retransmission timeout SND.NXT goes back to SND.UNA while ACKs up to SND.MAX stay valid.
    private SeqNumber _iss;
    private SeqNumber _sndUna;
    private SeqNumber _sndNxt;
    private SeqNumber _sndMax;
    private SeqNumber _sndWl1;
    private SeqNumber _sndWl2;
    private int _sndWnd;
    private int _maxSndWnd;
    private int _sndShift;
    private int _sndMss;

    // Sequence number of the send buffer's first byte: ISS + 1 plus the data acknowledged so far.
    private SeqNumber _sndBufSeq;

    // RFC 9293 §3.3.1 receive sequence variables; RCV.WND lives in _window.
    private SeqNumber _irs;
    private SeqNumber _rcvNxt;

    private bool _windowScaling;
    private bool _sackPermitted;
    private bool _opened;
    private bool _activeOpen;
    private bool _synRetransmitted;

    // CLOSE was called: a FIN follows the buffered data.
    private bool _finQueued;

    // The peer's FIN arrived beyond a gap: processed once RCV.NXT reaches it.
    private bool _peerFinPending;
    private SeqNumber _peerFinSeq;

    /// <param name="tuple">The connection's addresses and ports, seen from our side.</param>
    /// <param name="receiver">The socket's receive half, where in-order data goes.</param>
    /// <param name="options">Negotiation and timing; <see cref="TcpConnectionOptions.Default"/> when null.</param>
    public TcpConnection(in TcpFourTuple tuple, DevmemReceiver receiver, TcpConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        _options = options ?? TcpConnectionOptions.Default;
        _options.Validate();
        Tuple = tuple;
        _receiver = receiver;
        _sendBuffer = new TcpSendBuffer(_options.SendBufferSize);
        _outOfOrder = new OutOfOrderQueue(_options.OutOfOrderSegments);
        _window = new ReceiveWindow(_options.ReceiveBufferSize);
        _acks = new AckScheduler(Micros(_options.DelayedAckTimeout));
        _challengeAcks = new ChallengeAckLimiter(_options.ChallengeAcksPerSecond);
        _rtt = new RttEstimator(_options.InitialRto, _options.MinRto, _options.MaxRto);
        _congestion = CongestionControl.Create(_options.CongestionControl, _options.DefaultSendMss);
        _congestion.InitialWindowSegments = _options.InitialWindowSegments;
        _scoreboard = new SackScoreboard(_options.SackScoreboardRanges);
        _sndMss = _options.DefaultSendMss;
        NoDelay = _options.NoDelay;
        UserTimeout = _options.UserTimeout;
    }

    /// <summary>The connection's identity: our address and port, the peer's.</summary>
    public TcpFourTuple Tuple { get; }

    /// <summary>Our port: the source port of every segment sent.</summary>
    public ushort LocalPort => Tuple.LocalPort;

    /// <summary>The peer's port.</summary>
    public ushort RemotePort => Tuple.RemotePort;

    /// <summary>The RFC 9293 state.</summary>
    public TcpState State { get; private set; }

    /// <summary>Why the connection failed (ECONNREFUSED, ECONNRESET, ETIMEDOUT), or <see cref="Errno.None"/>.</summary>
    public Errno Error { get; private set; }

    /// <summary>Segment, retransmission and drop counters.</summary>
    public TcpCounters Counters { get; } = new();

    /// <summary>The receive half the application reads from.</summary>
    public DevmemReceiver Receiver => _receiver;

    /// <summary>Bytes the application may still write (<see cref="Send"/>).</summary>
    public int SendSpace => _sendBuffer.Free;

    /// <summary>Bytes written and not yet acknowledged.</summary>
    public int SendQueued => _sendBuffer.Length;

    /// <summary>SND.UNA.</summary>
    public SeqNumber SendUnacknowledged => _sndUna;

    /// <summary>SND.NXT.</summary>
    public SeqNumber SendNext => _sndNxt;

    /// <summary>SND.WND, scaled, in bytes.</summary>
    public int SendWindow => _sndWnd;

    /// <summary>The send MSS: what the peer announced, bounded by ours (RFC 9293 §3.7.1).</summary>
    public int SendMss => _sndMss;

    /// <summary>Our window shift and the peer's (RFC 7323 §2), 0 when scaling is off.</summary>
    public (int Receive, int Send) WindowShifts => (_window.Shift, _sndShift);

    /// <summary>Whether SACK was negotiated (RFC 2018 §2).</summary>
    public bool SackPermitted => _sackPermitted;

    /// <summary>Whether timestamps were negotiated (RFC 7323 §3.2).</summary>
    public bool TimestampsEnabled => _timestamps.Enabled;

    /// <summary>RCV.NXT.</summary>
    public SeqNumber ReceiveNext => _rcvNxt;

    /// <summary>RCV.WND as last advertised.</summary>
    public int ReceiveWindowSize => _window.Size(_rcvNxt);

    /// <summary>Bytes held in the out-of-order queue.</summary>
    public int OutOfOrderBytes => _outOfOrder.Bytes;

    /// <summary>The SACK blocks the next segment will report, most recent first.</summary>
    public ReadOnlySpan<TcpSackBlock> SackBlocks => _sackReport.Blocks;

    /// <summary>cwnd, in bytes.</summary>
    public int CongestionWindow => _congestion.Window;

    /// <summary>ssthresh, in bytes.</summary>
    public int SlowStartThreshold => _congestion.SlowStartThreshold;

    /// <summary>Whether fast recovery is in progress (RFC 6675 with SACK, RFC 6582 without).</summary>
    public bool InFastRecovery => _inRecovery;

    /// <summary>The congestion controller in use.</summary>
    public CongestionControlAlgorithm CongestionAlgorithm => _congestion.Algorithm;

    /// <summary>What the peer SACKed above SND.UNA.</summary>
    public SackScoreboard Scoreboard => _scoreboard;

    /// <summary>RFC 6675's pipe: the sender's estimate of bytes still in the network.</summary>
    public int BytesInFlight => InFlight();

    /// <summary>The RTO with backoff, in microseconds.</summary>
    public long RetransmissionTimeout => _rtt.Rto;

    /// <summary>SRTT in microseconds (0 before the first sample).</summary>
    public long SmoothedRtt => _rtt.SmoothedRtt;

    /// <summary>The listener whose SYN queue holds this connection, until it is established or closed.</summary>
    internal TcpListener? Listener { get; set; }

    /// <summary>Past the handshake: SYNs exchanged both ways (RFC 9293 §3.3.2's synchronized states, less SYN-RECEIVED).</summary>
    public bool IsEstablishedOrLater => State >= TcpState.Established;

    /// <summary>
    /// Active OPEN (RFC 9293 §3.10.1): a SYN goes out on the next <see cref="TryDispatch"/>.
    /// </summary>
    /// <param name="iss">The initial send sequence number (RFC 6528).</param>
    /// <param name="timestampOffset">Our TSval clock's offset (RFC 7323 §5.4), derived like the ISN.</param>
    public void Connect(uint iss, uint timestampOffset = 0)
    {
        RequireClosed();
        _activeOpen = true;
        StartSendSequence(new SeqNumber(iss));
        _timestamps.Start(timestampOffset);
        State = TcpState.SynSent;
    }

    /// <summary>
    /// Passive OPEN with the SYN that a listener took in LISTEN (RFC 9293 §3.10.7.2): the connection moves to
    /// SYN-RECEIVED and its SYN-ACK goes out on the next <see cref="TryDispatch"/>. False, with nothing
    /// changed, unless the segment is a SYN without ACK and RST. Data riding on the SYN is not queued
    /// (the peer sends it again once the handshake completes); the payload, if any, is freed.
    /// </summary>
    public bool AcceptSyn(in TcpHeader syn, SkBuff? payload, uint iss, long now, uint timestampOffset = 0)
    {
        RequireClosed();
        if ((syn.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) != TcpFlags.Syn)
        {
            payload?.Free();
            return false;
        }

        Counters.SegmentsReceived++;
        if (payload is not null)
        {
            Counters.Drop(TcpDropReason.SynPayload);
            payload.Free();
        }

        StartSendSequence(new SeqNumber(iss));
        _timestamps.Start(timestampOffset);
        ReceiveSyn(syn, now);
        State = TcpState.SynReceived;
        return true;
    }

    /// <summary>
    /// Rebuilds the SYN-RECEIVED state a SYN cookie stood for (RFC 4987 §3.6): the peer's ISN from the final
    /// ACK, ours from the cookie, the MSS it carried, no other option (the cookie SYN-ACK offered none). The
    /// caller then processes <paramref name="ack"/> itself, which completes the handshake.
    /// </summary>
    internal void RestoreFromCookie(in TcpHeader ack, uint cookie, int mss, long now, uint timestampOffset)
    {
        var syn = new TcpHeader
        {
            SourcePort = ack.SourcePort,
            DestinationPort = ack.DestinationPort,
            SequenceNumber = unchecked(ack.SequenceNumber - 1),
            Flags = TcpFlags.Syn,
            Window = ack.Window,
            Options = new TcpOptions { Mss = (ushort)mss },
        };
        AcceptSyn(syn, null, cookie, now, timestampOffset);

        // The SYN-ACK went out statelessly: our SYN is in flight, acknowledged by this very ACK, and the window
        // it offered (the listener's unscaled one, what a SYN-ACK from here would offer) is the right edge.
        _sndNxt = _iss + 1;
        _sndMax = _sndNxt;
        _window.Advertise(_rcvNxt, ReceiveBufferUsed, syn: true);
    }

    /// <summary>
    /// SEND (RFC 9293 §3.10.2): copies as much of <paramref name="data"/> as the send buffer takes. Returns the
    /// count (possibly 0 when the buffer is full), or a negated errno: ENOTCONN before an OPEN, EPIPE after
    /// CLOSE or once the connection is gone.
    /// </summary>
    public int Send(ReadOnlySpan<byte> data)
    {
        switch (State)
        {
            case TcpState.Closed when Error == Errno.None && !_finQueued:
                return -(int)Errno.ENOTCONN;
            case TcpState.SynSent or TcpState.SynReceived or TcpState.Established or TcpState.CloseWait when !_finQueued:
                return _sendBuffer.Write(data);
            default:
                return -(int)Errno.EPIPE;
        }
    }

    /// <summary>
    /// SEND from another thread (one at a time, never alongside <see cref="Send"/>'s caller): copies as much of
    /// <paramref name="data"/> as the free room takes into the send buffer, behind everything written, without
    /// changing what TCP sees; <see cref="AcceptStagedSend"/> on the connection's thread adds it. The caller
    /// checks that the connection may still send (no FIN asked for, not closed): this method cannot, off the
    /// connection's thread. Returns the count taken.
    /// </summary>
    public int StageSend(ReadOnlySpan<byte> data) => _sendBuffer.Stage(data);

    /// <summary>
    /// The connection's thread: bytes staged by <see cref="StageSend"/> join the stream, while SEND is still
    /// allowed (RFC 9293 §3.10.2); in any later state they are never sent, as data written into a socket that
    /// then failed.
    /// </summary>
    public void AcceptStagedSend()
    {
        if (State is TcpState.SynSent or TcpState.SynReceived or TcpState.Established or TcpState.CloseWait && !_finQueued)
        {
            _sendBuffer.Commit();
        }
    }

    /// <summary>
    /// CLOSE (RFC 9293 §3.10.4): no more data will be sent. A FIN follows what is buffered: ESTABLISHED goes
    /// to FIN-WAIT-1 and CLOSE-WAIT to LAST-ACK; in SYN-RECEIVED the FIN waits for ESTABLISHED; before a
    /// SYN was answered the attempt just ends. Closing twice does nothing.
    /// </summary>
    public void Close()
    {
        // What the application staged before closing goes before the FIN.
        AcceptStagedSend();
        switch (State)
        {
            case TcpState.SynSent:
                EnterClosed(Errno.None);
                break;
            case TcpState.SynReceived:
                _finQueued = true;
                break;
            case TcpState.Established:
                _finQueued = true;
                State = TcpState.FinWait1;
                break;
            case TcpState.CloseWait:
                _finQueued = true;
                State = TcpState.LastAck;
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// ABORT (RFC 9293 §3.10.5): in a synchronized state an RST <c>&lt;SEQ=SND.NXT&gt;</c> goes out on the
    /// next <see cref="TryDispatch"/>; every queue is flushed and waiting receives fail with ECONNABORTED.
    /// </summary>
    public void Abort()
    {
        if (State is TcpState.SynReceived or TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2 or TcpState.CloseWait)
        {
            QueueReset(_sndNxt, null);
        }

        if (State != TcpState.Closed)
        {
            EnterClosed(Errno.ECONNABORTED);
        }
    }

    private static long Micros(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;

    private void RequireClosed()
    {
        if (_opened)
        {
            throw new InvalidOperationException("a connection control block is opened once");
        }
    }

    private void StartSendSequence(SeqNumber iss)
    {
        _opened = true;
        _iss = iss;
        _sndUna = iss;
        _sndNxt = iss;
        _sndMax = iss;
        _sndBufSeq = iss + 1;
        _congestion.Reset(_sndMss);
        _recover = iss;
        _highRxt = iss;
        _deliveredAfterBoundary = iss;
    }

    // Bytes of the receive buffer in use: queued for the application, or held by it through tokens.
    private long ReceiveBufferUsed => _receiver.QueuedBytes + _receiver.HeldBytes;

    // Sequence number of our FIN (meaningful once CLOSE was called): right after the last buffered byte.
    private SeqNumber FinSeq => _sndBufSeq + _sendBuffer.Length;

    // Our FIN was sent and acknowledged.
    private bool FinAcknowledged => _finQueued && _sndUna > FinSeq;

    // Payload bytes a full segment carries: the send MSS less the options every segment carries (RFC 6691).
    private int SegmentPayload => _sndMss - (_timestamps.Enabled ? 12 : 0);

    private void Drop(TcpDropReason reason) => Counters.Drop(reason);

    private void EnterClosed(Errno error)
    {
        State = TcpState.Closed;
        StopTimers();
        _outOfOrder.Purge();
        _sackReport.Clear();
        _scoreboard.Clear();
        _acks.OnAckSent();
        _retransmitFirst = false;
        _probeDue = false;
        _keepaliveDue = false;
        if (error != Errno.None)
        {
            Error = error;
            _receiver.SetError(error);
        }
    }

    private void EnterTimeWait(long now)
    {
        State = TcpState.TimeWait;
        StopTimers();
        _outOfOrder.Purge();
        _sackReport.Clear();
        _timeWaitAt = now + Micros(_options.TimeWaitDuration);
    }
}
