using Devmem.Stack.Tcp.Congestion;

namespace Devmem.Stack.Tcp;

/// <summary>
/// What a connection negotiates and how it times itself. Defaults follow the RFCs where they give a number
/// and Linux where they leave a choice; every value is checked by <see cref="Validate"/> when a connection
/// is created.
/// </summary>
public sealed record TcpConnectionOptions
{
    /// <summary>Shared defaults.</summary>
    public static TcpConnectionOptions Default { get; } = new();

    /// <summary>
    /// The MSS we advertise: the largest segment payload we can receive (RFC 9293 §3.7.1; MTU less the
    /// fixed IP and TCP headers). 1460 fits Ethernet under IPv4.
    /// </summary>
    public int Mss { get; init; } = 1460;

    /// <summary>
    /// The send MSS assumed when the peer's SYN carries no MSS option: 536 for IPv4 (RFC 9293 §3.7.1,
    /// RFC 6691), 1220 for IPv6 (RFC 8200 §8.3).
    /// </summary>
    public int DefaultSendMss { get; init; } = 536;

    /// <summary>
    /// The receive buffer: the most payload the peer may have in flight to us, counting bytes queued for
    /// the application and device memory the application holds through tokens.
    /// </summary>
    public int ReceiveBufferSize { get; init; } = 256 * 1024;

    /// <summary>
    /// How far receive-buffer auto-tuning may grow the buffer (Linux's <c>tcp_rmem[2]</c>, 6 MiB): the window
    /// follows the measured bytes per round trip, so a long fat path is not capped by
    /// <see cref="ReceiveBufferSize"/>. Every byte of it may be device memory held by the connection, so keep
    /// it within what the bound dma-buf can give each connection; equal to <see cref="ReceiveBufferSize"/>
    /// turns auto-tuning off.
    /// </summary>
    public int MaxReceiveBufferSize { get; init; } = 6 * 1024 * 1024;

    /// <summary>The send buffer: bytes the application may write ahead of the peer's acknowledgments.</summary>
    public int SendBufferSize { get; init; } = 256 * 1024;

    /// <summary>Offer window scaling (RFC 7323 §2); the shift is the smallest that covers the receive buffer.</summary>
    public bool WindowScaling { get; init; } = true;

    /// <summary>Offer timestamps (RFC 7323 §3): RTT measurement and PAWS.</summary>
    public bool Timestamps { get; init; } = true;

    /// <summary>Offer SACK-permitted (RFC 2018 §2); SACK blocks are then sent for out-of-order data.</summary>
    public bool SackPermitted { get; init; } = true;

    /// <summary>Disable Nagle's algorithm (RFC 9293 §3.7.4), as TCP_NODELAY does.</summary>
    public bool NoDelay { get; init; }

    /// <summary>How long an ACK may be delayed (RFC 5681 §4.2: under 500 ms). Linux's minimum is 40 ms.</summary>
    public TimeSpan DelayedAckTimeout { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Most data segments acknowledged at once at the start of a connection (Linux TCP_MAX_QUICKACKS).</summary>
    public int QuickAcks { get; init; } = 16;

    /// <summary>RTO before any RTT sample (RFC 6298 §2.1: 1 s).</summary>
    public TimeSpan InitialRto { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Lower bound of the RTO: 200 ms, Linux's <c>TCP_RTO_MIN</c>. RFC 6298 §2.4 asks for 1 s, a SHOULD that
    /// Linux, Windows and the BSDs all set lower; with the microsecond RTTs of a memory link or a veth, 1 s
    /// turns every tail loss into a second of silence.
    /// </summary>
    public TimeSpan MinRto { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the RTO (RFC 6298 §2.5: at least 60 s).</summary>
    public TimeSpan MaxRto { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Retransmission timeouts of one segment before the connection is given up (Linux tcp_retries2).</summary>
    public int MaxRetransmissions { get; init; } = 15;

    /// <summary>Retransmissions of a SYN or SYN-ACK before the attempt is given up (Linux tcp_syn_retries).</summary>
    public int MaxSynRetransmissions { get; init; } = 6;

    /// <summary>How long TIME-WAIT lasts: 2 MSL (RFC 9293 §3.4.2). Linux waits 60 s.</summary>
    public TimeSpan TimeWaitDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Send keepalive probes on an idle connection (RFC 9293 §3.8.4: off unless asked for).</summary>
    public bool KeepAlive { get; init; }

    /// <summary>Idle time before the first keepalive probe (RFC 9293 §3.8.4: at least two hours by default).</summary>
    public TimeSpan KeepAliveIdle { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Time between unanswered keepalive probes.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>Unanswered keepalive probes before the connection is given up.</summary>
    public int KeepAliveProbes { get; init; } = 9;

    /// <summary>
    /// TCP_USER_TIMEOUT (RFC 5482): how long sent data may stay unacknowledged before the connection gives up
    /// with ETIMEDOUT, whatever the retransmission count; zero leaves it to <see cref="MaxRetransmissions"/>.
    /// </summary>
    public TimeSpan UserTimeout { get; init; }

    /// <summary>Most skbs held out of order; the byte cap is the receive buffer less one MSS.</summary>
    public int OutOfOrderSegments { get; init; } = 256;

    /// <summary>Challenge ACKs sent per second at most (RFC 5961 §7).</summary>
    public int ChallengeAcksPerSecond { get; init; } = 100;

    /// <summary>
    /// Answer SYNs with SYN cookies when the listener's SYN queue is full (RFC 4987 §3.6), as Linux's default
    /// <c>net.ipv4.tcp_syncookies = 1</c> does; off, such SYNs are dropped.
    /// </summary>
    public bool SynCookies { get; init; } = true;

    /// <summary>Segments in the initial congestion window: 10 (RFC 6928, Linux), or 0 for RFC 5681's 2 to 4.</summary>
    public int InitialWindowSegments { get; init; } = 10;

    /// <summary>The congestion controller (Linux's <c>TCP_CONGESTION</c>): CUBIC unless chosen otherwise.</summary>
    public CongestionControlAlgorithm CongestionControl { get; init; } = CongestionControlAlgorithm.Cubic;

    /// <summary>Most SACKed ranges the sender remembers per connection; blocks needing more are ignored (a peer cannot grow it).</summary>
    public int SackScoreboardRanges { get; init; } = SackScoreboard.DefaultCapacity;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        Check(Mss is >= 88 and <= ushort.MaxValue, nameof(Mss), "between 88 and 65535");
        Check(DefaultSendMss is >= 88 and <= ushort.MaxValue, nameof(DefaultSendMss), "between 88 and 65535");
        Check(ReceiveBufferSize >= 2 * Mss && ReceiveBufferSize <= (ushort.MaxValue << TcpWindowScale.Max), nameof(ReceiveBufferSize), "at least two MSS and at most 65535 << 14");
        Check(WindowScaling || ReceiveBufferSize <= ushort.MaxValue, nameof(ReceiveBufferSize), "at most 65535 without window scaling");
        Check(MaxReceiveBufferSize >= ReceiveBufferSize && MaxReceiveBufferSize <= (ushort.MaxValue << TcpWindowScale.Max), nameof(MaxReceiveBufferSize), "at least ReceiveBufferSize and at most 65535 << 14");
        Check(SendBufferSize > 0, nameof(SendBufferSize), "positive");
        Check(DelayedAckTimeout > TimeSpan.Zero && DelayedAckTimeout < TimeSpan.FromMilliseconds(500), nameof(DelayedAckTimeout), "positive and under 500 ms (RFC 5681 §4.2)");
        Check(QuickAcks >= 0, nameof(QuickAcks), "zero or more");
        Check(MinRto > TimeSpan.Zero && InitialRto >= MinRto && MaxRto >= InitialRto, nameof(InitialRto), "MinRto <= InitialRto <= MaxRto, all positive");
        Check(MaxRetransmissions > 0 && MaxSynRetransmissions > 0, nameof(MaxRetransmissions), "positive");
        Check(TimeWaitDuration >= TimeSpan.Zero, nameof(TimeWaitDuration), "zero or more");
        Check(KeepAliveIdle > TimeSpan.Zero && KeepAliveInterval > TimeSpan.Zero && KeepAliveProbes > 0, nameof(KeepAliveIdle), "positive");
        Check(UserTimeout >= TimeSpan.Zero, nameof(UserTimeout), "zero or more");
        Check(OutOfOrderSegments > 0, nameof(OutOfOrderSegments), "positive");
        Check(ChallengeAcksPerSecond > 0, nameof(ChallengeAcksPerSecond), "positive");
        Check(Enum.IsDefined(CongestionControl), nameof(CongestionControl), "a defined algorithm");
        Check(InitialWindowSegments is >= 0 and <= 100, nameof(InitialWindowSegments), "between 0 and 100");
        Check(SackScoreboardRanges > 0, nameof(SackScoreboardRanges), "positive");
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"TCP option {name} must be {rule}.", name);
        }
    }
}
