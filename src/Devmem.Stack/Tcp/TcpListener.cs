using System.Diagnostics.CodeAnalysis;
using Devmem.Receive;
using Devmem.Skb;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// A passive OPEN with a backlog: the LISTEN state (RFC 9293 §3.10.7.2) for one local address (the
/// unspecified address: any) and port. Each acceptable SYN creates a connection in SYN-RECEIVED, counted
/// in the SYN queue; once its handshake completes it moves to the accept queue, where the application
/// takes it with <see cref="TryAccept"/>. Both queues have limits. A SYN that finds the SYN queue full is
/// answered with a SYN cookie (<see cref="SynCookies"/>) when the options allow, else dropped; one that
/// finds the accept queue full is dropped (the peer retries). A handshake's last ACK that finds the accept
/// queue full is ignored, so the connection stays in SYN-RECEIVED and completes later, as Linux does.
/// </summary>
public sealed class TcpListener
{
    private readonly Queue<TcpConnection> _acceptQueue;
    private readonly TcpConnectionOptions _options;
    private readonly TcpConnectionOptions _ipv4Options;

    // When a SYN last found the SYN queue full: cookies are checked only while ones sent may still be valid
    // (Linux's tcp_synq_no_recent_overflow), so an ACK to the listener is not a cookie oracle otherwise.
    private long _lastOverflow = long.MinValue;

    /// <param name="localAddress">The address listened on; <see cref="Ipv6Address.Unspecified"/> for any.</param>
    /// <param name="localPort">The port listened on.</param>
    /// <param name="synQueueLimit">Most connections in SYN-RECEIVED at once.</param>
    /// <param name="acceptQueueLimit">Most established connections waiting for <see cref="TryAccept"/> (listen(2)'s backlog).</param>
    /// <param name="options">Options of the connections it creates.</param>
    /// <param name="ipv4Options">
    /// Options of the connections from IPv4 peers when they differ (an MSS 20 bytes larger, since the IPv4
    /// header is 20 bytes smaller: each family announces what fits its own packets, as Linux does).
    /// </param>
    public TcpListener(Ipv6Address localAddress, ushort localPort, int synQueueLimit, int acceptQueueLimit, TcpConnectionOptions? options = null,
        TcpConnectionOptions? ipv4Options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(synQueueLimit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(acceptQueueLimit);
        LocalAddress = localAddress;
        LocalPort = localPort;
        SynQueueLimit = synQueueLimit;
        AcceptQueueLimit = acceptQueueLimit;
        _options = options ?? TcpConnectionOptions.Default;
        _options.Validate();
        _ipv4Options = ipv4Options ?? _options;
        _ipv4Options.Validate();
        _acceptQueue = new Queue<TcpConnection>(acceptQueueLimit);
    }

    /// <summary>The address listened on.</summary>
    public Ipv6Address LocalAddress { get; }

    /// <summary>The port listened on.</summary>
    public ushort LocalPort { get; }

    /// <summary>Most connections in SYN-RECEIVED at once.</summary>
    public int SynQueueLimit { get; }

    /// <summary>Most established connections waiting to be accepted.</summary>
    public int AcceptQueueLimit { get; }

    /// <summary>Connections in SYN-RECEIVED.</summary>
    public int SynQueueCount { get; private set; }

    /// <summary>Established connections not yet accepted.</summary>
    public int AcceptQueueCount => _acceptQueue.Count;

    /// <summary>Whether a completed handshake would find no room.</summary>
    public bool IsAcceptQueueFull => _acceptQueue.Count >= AcceptQueueLimit;

    /// <summary>Segments refused in LISTEN, by reason.</summary>
    public TcpCounters Counters { get; } = new();

    /// <summary>The oldest established connection, if any (accept(2)).</summary>
    public bool TryAccept([NotNullWhen(true)] out TcpConnection? connection) => _acceptQueue.TryDequeue(out connection);

    /// <summary>
    /// A segment for no existing connection, arriving at this listener (RFC 9293 §3.10.7.2). An RST is
    /// ignored. A SYN creates a connection in SYN-RECEIVED (returned; the caller files it under its tuple)
    /// when the queues have room, or is answered statelessly with a SYN cookie in <paramref name="reply"/>
    /// when only the SYN queue is full. An ACK that returns a valid cookie restores the connection in
    /// SYN-RECEIVED with <paramref name="completesHandshake"/> set: the caller processes the ACK on it (and
    /// the payload, which then stays with the caller). Any other ACK is answered with
    /// <c>&lt;SEQ=SEG.ACK&gt;&lt;CTL=RST&gt;</c> in <paramref name="reply"/>. The payload is freed otherwise.
    /// </summary>
    internal TcpConnection? OnSegment(in TcpFourTuple tuple, in TcpHeader segment, SkBuff? payload, long now,
        InitialSequenceNumbers isn, SynCookies cookies, out TcpHeader? reply, out bool completesHandshake)
    {
        reply = null;
        completesHandshake = false;
        Counters.SegmentsReceived++;
        TcpFlags flags = segment.Flags;
        if ((flags & TcpFlags.Rst) != 0)
        {
            Counters.Drop(TcpDropReason.RstIgnored);
        }
        else if ((flags & (TcpFlags.Ack | TcpFlags.Syn)) == TcpFlags.Ack)
        {
            if (TryRestoreFromCookie(tuple, segment, now, isn, cookies) is TcpConnection restored)
            {
                completesHandshake = true;
                return restored;
            }

            Counters.Drop(TcpDropReason.UnexpectedSegment);
            reply = TcpReset.Create(segment.DestinationPort, segment.SourcePort, new SeqNumber(segment.AcknowledgmentNumber), null);
        }
        else if ((flags & (TcpFlags.Ack | TcpFlags.Syn)) != TcpFlags.Syn)
        {
            Counters.Drop(TcpDropReason.UnexpectedSegment);
            if ((flags & TcpFlags.Ack) != 0)
            {
                reply = TcpReset.Create(segment.DestinationPort, segment.SourcePort, new SeqNumber(segment.AcknowledgmentNumber), null);
            }
        }
        else if (IsAcceptQueueFull)
        {
            Counters.Drop(TcpDropReason.AcceptQueueFull);
        }
        else if (SynQueueCount >= SynQueueLimit)
        {
            _lastOverflow = now;
            Counters.Drop(TcpDropReason.SynQueueFull);
            if (OptionsFor(tuple).SynCookies)
            {
                Counters.SynCookiesSent++;
                reply = CookieSynAck(tuple, segment, now, cookies);
            }
        }
        else
        {
            var connection = new TcpConnection(tuple, new DevmemReceiver(), OptionsFor(tuple));
            connection.AcceptSyn(segment, payload, isn.Next(tuple, now), now, isn.TimestampOffset(tuple));
            connection.Listener = this;
            SynQueueCount++;
            return connection;
        }

        payload?.Free();
        return null;
    }

    // The stateless SYN-ACK: the cookie as ISN, our MSS, an unscaled window and no other option, since
    // nothing else survives until the final ACK.
    private TcpHeader CookieSynAck(in TcpFourTuple tuple, in TcpHeader syn, long now, SynCookies cookies)
    {
        TcpConnectionOptions options = OptionsFor(tuple);
        int mss = Math.Min(syn.Options.Mss ?? options.DefaultSendMss, options.Mss);
        return new TcpHeader
        {
            SourcePort = syn.DestinationPort,
            DestinationPort = syn.SourcePort,
            SequenceNumber = cookies.Create(tuple, syn.SequenceNumber, mss, now),
            AcknowledgmentNumber = unchecked(syn.SequenceNumber + 1),
            Flags = TcpFlags.Syn | TcpFlags.Ack,
            Window = (ushort)Math.Min(options.ReceiveBufferSize, ushort.MaxValue),
            Options = new TcpOptions { Mss = (ushort)options.Mss },
        };
    }

    private TcpConnection? TryRestoreFromCookie(in TcpFourTuple tuple, in TcpHeader ack, long now, InitialSequenceNumbers isn, SynCookies cookies)
    {
        uint cookie = unchecked(ack.AcknowledgmentNumber - 1);
        uint peerIsn = unchecked(ack.SequenceNumber - 1);
        bool recentOverflow = _lastOverflow != long.MinValue && now - _lastOverflow <= SynCookies.ValidTicks * SynCookies.TickMicroseconds;
        TcpConnectionOptions options = OptionsFor(tuple);
        if (!options.SynCookies || !recentOverflow || IsAcceptQueueFull)
        {
            return null;
        }

        if (!cookies.TryValidate(tuple, cookie, peerIsn, now, out int mss))
        {
            Counters.SynCookiesFailed++;
            return null;
        }

        Counters.SynCookiesValidated++;
        var connection = new TcpConnection(tuple, new DevmemReceiver(), options);
        connection.RestoreFromCookie(ack, cookie, mss, now, isn.TimestampOffset(tuple));
        connection.Listener = this;
        SynQueueCount++;
        return connection;
    }

    private TcpConnectionOptions OptionsFor(in TcpFourTuple tuple) => tuple.RemoteAddress.IsIPv4Mapped ? _ipv4Options : _options;

    /// <summary>
    /// Whether a segment for a connection still in the SYN queue must be ignored: it would complete the
    /// handshake (it carries ACK) while the accept queue is full.
    /// </summary>
    internal bool MustIgnore(TcpConnection connection, in TcpHeader segment)
    {
        if (connection.State != TcpState.SynReceived || (segment.Flags & (TcpFlags.Ack | TcpFlags.Rst)) != TcpFlags.Ack || !IsAcceptQueueFull)
        {
            return false;
        }

        Counters.Drop(TcpDropReason.AcceptQueueFull);
        return true;
    }

    /// <summary>After the connection processed a segment or a timer: established ones move to the accept queue, closed ones leave.</summary>
    internal void OnProgress(TcpConnection connection)
    {
        if (connection.State == TcpState.SynReceived)
        {
            return;
        }

        Forget(connection);
        if (connection.State != TcpState.Closed)
        {
            _acceptQueue.Enqueue(connection);
        }
    }

    /// <summary>The connection leaves the SYN queue without being accepted (closed, or its table entry removed).</summary>
    internal void Forget(TcpConnection connection)
    {
        connection.Listener = null;
        SynQueueCount--;
    }
}
