namespace Devmem.Stack.Tcp;

/// <summary>
/// A connection's (or listener's) counters: segments in and out, retransmissions by cause, and every
/// dropped segment by <see cref="TcpDropReason"/>. Written by the engine thread only; read from anywhere
/// (values may be a moment stale, never torn on 64-bit).
/// </summary>
public sealed class TcpCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<TcpDropReason>().Length];

    /// <summary>Segments handed to the connection.</summary>
    public long SegmentsReceived { get; internal set; }

    /// <summary>Segments the connection emitted.</summary>
    public long SegmentsSent { get; internal set; }

    /// <summary>Segments (SYN, data, FIN) sent again, whatever the cause.</summary>
    public long Retransmissions { get; internal set; }

    /// <summary>Of those, the ones loss recovery sent before the timer (RFC 6675 NextSeg, RFC 6582 partial ACKs).</summary>
    public long FastRetransmissions { get; internal set; }

    /// <summary>Retransmission timer expiries.</summary>
    public long RetransmissionTimeouts { get; internal set; }

    /// <summary>Zero-window (persist) probes sent.</summary>
    public long WindowProbes { get; internal set; }

    /// <summary>Keepalive probes sent.</summary>
    public long KeepaliveProbes { get; internal set; }

    /// <summary>Challenge ACKs sent (RFC 5961).</summary>
    public long ChallengeAcks { get; internal set; }

    /// <summary>Pure ACKs sent to advertise a window the application reopened.</summary>
    public long WindowUpdates { get; internal set; }

    /// <summary>Duplicate ACKs received (RFC 5681 §2; with SACK, RFC 6675 §2's: ACKs that SACK new data).</summary>
    public long DuplicateAcks { get; internal set; }

    /// <summary>Tail loss probes sent (RFC 8985 §7).</summary>
    public long TailLossProbes { get; internal set; }

    /// <summary>Retransmissions found lost because data sent after them arrived first (then sent again).</summary>
    public long LostRetransmissions { get; internal set; }

    /// <summary>SYN-ACKs sent with a SYN cookie because the SYN queue was full (listeners).</summary>
    public long SynCookiesSent { get; internal set; }

    /// <summary>Final ACKs whose cookie was valid: connections restored without a SYN-queue entry (listeners).</summary>
    public long SynCookiesValidated { get; internal set; }

    /// <summary>ACKs to a listener with an invalid or expired cookie, answered with RST (listeners).</summary>
    public long SynCookiesFailed { get; internal set; }

    /// <summary>Times receive-buffer auto-tuning grew the buffer.</summary>
    public long ReceiveBufferGrowths { get; internal set; }

    /// <summary>Fast recoveries entered (RFC 6675 §5 step 4, RFC 6582 §3.2 step 2).</summary>
    public long FastRecoveries { get; internal set; }

    /// <summary>D-SACK blocks received: the peer got a segment twice (RFC 2883).</summary>
    public long DuplicateSacksReceived { get; internal set; }

    /// <summary>D-SACK blocks sent for duplicate segments that arrived (RFC 2883 §4).</summary>
    public long DuplicateSacksSent { get; internal set; }

    /// <summary>SACK blocks ignored: outside (SND.UNA, SND.MAX], inverted, or past the scoreboard's capacity.</summary>
    public long SackBlocksRejected { get; internal set; }

    /// <summary>Times the peer discarded data it had SACKed (RFC 2018 §8), seen from the cumulative ACK.</summary>
    public long SackRenegings { get; internal set; }

    /// <summary>Segments dropped, in whole or in part, for <paramref name="reason"/>.</summary>
    public long Dropped(TcpDropReason reason) => _drops[(int)reason];

    /// <summary>All drops, whatever the reason.</summary>
    public long TotalDropped
    {
        get
        {
            long total = 0;
            foreach (long count in _drops)
            {
                total += count;
            }

            return total;
        }
    }

    internal void Drop(TcpDropReason reason) => _drops[(int)reason]++;
}
