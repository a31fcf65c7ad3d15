namespace Devmem.Stack.Tcp;

/// <summary>
/// Congestion control as RFC 5681 (slow start, congestion avoidance, fast retransmit) with NewReno's fast
/// recovery (RFC 6582 §3.2): the window, the threshold, the duplicate-ACK count and <c>recover</c>. It
/// decides sizes and when to retransmit; the connection does the sending.
/// </summary>
public sealed class NewRenoCongestionControl
{
    /// <summary>RFC 5681 §3.2: the duplicate ACK that triggers fast retransmit.</summary>
    public const int DuplicateAckThreshold = 3;

    // Keeps cwnd arithmetic far from overflow: no window ever needs more than 2^30 (RFC 7323 §2.3).
    private const int MaxWindow = 1 << 30;

    private int _smss;

    /// <param name="smss">Sender MSS.</param>
    /// <param name="iss">Our initial send sequence number: <c>recover</c> starts there (RFC 6582 §3.2 step 1).</param>
    public NewRenoCongestionControl(int smss, SeqNumber iss)
    {
        Reset(smss, iss);
    }

    /// <summary>cwnd, in bytes.</summary>
    public int Window { get; private set; }

    /// <summary>ssthresh, in bytes: arbitrarily high until the first loss (RFC 5681 §3.1).</summary>
    public int SlowStartThreshold { get; private set; }

    /// <summary>In fast recovery.</summary>
    public bool InRecovery { get; private set; }

    /// <summary>RFC 6582 <c>recover</c>: the highest sequence number sent when recovery (or a timeout) began.</summary>
    public SeqNumber Recover { get; private set; }

    /// <summary>Duplicate ACKs in a row.</summary>
    public int DuplicateAcks { get; private set; }

    /// <summary>Starts over with a new MSS (known once the handshake is done): RFC 5681 §3.1 eq. 1's initial window.</summary>
    public void Reset(int smss, SeqNumber iss)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(smss);
        _smss = smss;
        Window = smss > 2190 ? 2 * smss : smss > 1095 ? 3 * smss : 4 * smss;
        SlowStartThreshold = MaxWindow;
        InRecovery = false;
        Recover = iss;
        DuplicateAcks = 0;
    }

    /// <summary>
    /// An ACK advanced SND.UNA by <paramref name="bytesAcked"/>. Grows the window (RFC 5681 §3.1) or, in
    /// recovery, handles a full or partial ACK (RFC 6582 §3.2 step 5). True when a partial ACK wants the
    /// first unacknowledged segment retransmitted.
    /// </summary>
    /// <param name="ack">SEG.ACK.</param>
    /// <param name="bytesAcked">Sequence space newly acknowledged.</param>
    /// <param name="flightSize">Bytes still outstanding after this ACK.</param>
    public bool OnNewAck(SeqNumber ack, int bytesAcked, int flightSize)
    {
        DuplicateAcks = 0;
        if (InRecovery)
        {
            if (ack - 1 >= Recover)
            {
                // Full acknowledgment: deflate, option 1 of step 5 (no burst of more than one MSS).
                Window = Math.Min(SlowStartThreshold, Math.Max(flightSize, _smss) + _smss);
                InRecovery = false;
                return false;
            }

            // Partial acknowledgment: deflate by what was acknowledged, add back one MSS if that was a segment's worth.
            Window = Math.Max(Window - bytesAcked, _smss);
            if (bytesAcked >= _smss)
            {
                Window += _smss;
            }

            return true;
        }

        if (Window < SlowStartThreshold)
        {
            // RFC 5681 eq. 2.
            Window = Math.Min(Window + Math.Min(bytesAcked, _smss), MaxWindow);
        }
        else
        {
            // RFC 5681 eq. 3: about one MSS per round trip.
            Window = Math.Min(Window + Math.Max(1, (int)((long)_smss * _smss / Window)), MaxWindow);
        }

        return false;
    }

    /// <summary>
    /// A duplicate ACK (RFC 5681 §2). True on the one that starts fast retransmit: the third, when SEG.ACK
    /// covers more than <c>recover</c> (RFC 6582 §3.2 step 2); in recovery each one inflates the window by
    /// an MSS (step 3).
    /// </summary>
    /// <param name="ack">SEG.ACK, which is SND.UNA.</param>
    /// <param name="flightSize">Bytes outstanding.</param>
    /// <param name="sndMax">One past the highest sequence number sent.</param>
    public bool OnDuplicateAck(SeqNumber ack, int flightSize, SeqNumber sndMax)
    {
        if (InRecovery)
        {
            Window = Math.Min(Window + _smss, MaxWindow);
            return false;
        }

        if (++DuplicateAcks != DuplicateAckThreshold || ack - 1 <= Recover)
        {
            return false;
        }

        Recover = sndMax - 1;
        SlowStartThreshold = Math.Max(flightSize / 2, 2 * _smss);
        Window = SlowStartThreshold + (DuplicateAckThreshold * _smss);
        InRecovery = true;
        return true;
    }

    /// <summary>
    /// The retransmission timer expired: RFC 5681 eq. 4 halves the flight into ssthresh (only on the first
    /// timeout of a segment; later ones keep it), cwnd falls to the loss window of one MSS, and recovery
    /// ends with <c>recover</c> at the highest number sent (RFC 6582 §3.2 step 6).
    /// </summary>
    public void OnRetransmitTimeout(int flightSize, SeqNumber sndMax, bool firstTimeout)
    {
        if (firstTimeout)
        {
            SlowStartThreshold = Math.Max(flightSize / 2, 2 * _smss);
        }

        Window = _smss;
        InRecovery = false;
        DuplicateAcks = 0;
        Recover = sndMax - 1;
    }
}
