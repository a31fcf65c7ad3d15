namespace Devmem.Stack.Tcp.Congestion;

/// <summary>
/// The congestion window and slow-start threshold of one connection, and how they react to acknowledgments
/// and congestion signals. Slow start (RFC 5681 §3.1) is shared; a subclass decides the growth in congestion
/// avoidance and the reduction on loss. Loss <em>detection</em> and recovery (which segments go again, when
/// recovery ends) belong to the connection: this type only sizes windows, like Linux's
/// <c>tcp_congestion_ops</c> beside <c>tcp_input.c</c>.
/// </summary>
public abstract class CongestionControl
{
    // Keeps window arithmetic far from overflow: no window ever needs more than 2^30 (RFC 7323 §2.3).
    private protected const int MaxWindow = 1 << 30;

    /// <summary>Which algorithm this is.</summary>
    public abstract CongestionControlAlgorithm Algorithm { get; }

    /// <summary>cwnd, in bytes.</summary>
    public int Window { get; private protected set; }

    /// <summary>ssthresh, in bytes: arbitrarily high until the first loss (RFC 5681 §3.1).</summary>
    public int SlowStartThreshold { get; private protected set; }

    /// <summary>The sender MSS the windows are counted in.</summary>
    public int Smss { get; private set; }

    /// <summary>Whether the next acknowledgment grows the window by slow start.</summary>
    public bool InSlowStart => Window < SlowStartThreshold;

    /// <summary>A new controller of the given algorithm, with the initial window for <paramref name="smss"/>.</summary>
    public static CongestionControl Create(CongestionControlAlgorithm algorithm, int smss) => algorithm switch
    {
        CongestionControlAlgorithm.Cubic => new CubicCongestionControl(smss),
        CongestionControlAlgorithm.NewReno => new NewRenoCongestionControl(smss),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown congestion control algorithm"),
    };

    /// <summary>
    /// Segments in the initial window: 10 as RFC 6928 and Linux have it, or 0 for RFC 5681 §3.1 eq. 1's
    /// 2 to 4 segments. Applies from the next <see cref="Reset"/>.
    /// </summary>
    public int InitialWindowSegments { get; set; } = 10;

    /// <summary>Starts over with a new MSS (known once the handshake is done), at the initial window.</summary>
    public virtual void Reset(int smss)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(smss);
        Smss = smss;
        Window = InitialWindowSegments > 0
            ? Math.Min(InitialWindowSegments * smss, Math.Max(2 * smss, 14_600)) // RFC 6928 §2
            : smss > 2190 ? 2 * smss : smss > 1095 ? 3 * smss : 4 * smss;    // RFC 5681 eq. 1
        SlowStartThreshold = MaxWindow;
    }

    /// <summary>
    /// An ACK outside loss recovery advanced SND.UNA by <paramref name="bytesAcked"/>: slow start below
    /// ssthresh, counting every byte acknowledged up to ssthresh and the rest in congestion avoidance, as Linux's
    /// <c>tcp_slow_start</c> counts every segment an ACK covers. RFC 3465 §2.3 would cap an ACK's credit at
    /// 2·SMSS (L = 2); with a receiver that aggregates (GRO) or a peer that stretches ACKs over 64 KiB, that cap
    /// turns slow start's doubling per round trip into a crawl. Byte counting gives an ACK-dividing receiver
    /// nothing, which is what the cap guards against per ACK.
    /// </summary>
    /// <param name="bytesAcked">Sequence space newly acknowledged.</param>
    /// <param name="now">Microseconds on the connection's clock.</param>
    /// <param name="smoothedRtt">SRTT in microseconds (0 before the first sample).</param>
    public void OnAck(int bytesAcked, long now, long smoothedRtt)
    {
        if (bytesAcked <= 0)
        {
            return;
        }

        if (InSlowStart)
        {
            int grown = (int)Math.Min((long)Window + bytesAcked, Math.Min(SlowStartThreshold, MaxWindow));
            bytesAcked -= grown - Window;
            Window = grown;
            if (bytesAcked <= 0 || InSlowStart)
            {
                return;
            }
        }

        GrowInCongestionAvoidance(bytesAcked, now, smoothedRtt);
    }

    /// <summary>
    /// Loss was detected and recovery begins: ssthresh falls and cwnd becomes ssthresh (RFC 6675 §5 step
    /// 4.2 and RFC 9438 §4.6). The connection adds NewReno's inflation on top where it uses it.
    /// </summary>
    /// <param name="flightSize">Bytes outstanding when the loss was detected.</param>
    /// <param name="now">Microseconds on the connection's clock.</param>
    public void OnCongestionEvent(int flightSize, long now)
    {
        SlowStartThreshold = Math.Max(ThresholdAfterLoss(flightSize, now), 2 * Smss);
        Window = SlowStartThreshold;
    }

    /// <summary>
    /// The retransmission timer expired: ssthresh falls as on a loss (only on the first timeout of a segment;
    /// later ones keep it, RFC 5681 eq. 4) and cwnd falls to the loss window of one SMSS.
    /// </summary>
    public void OnRetransmitTimeout(int flightSize, bool firstTimeout, long now)
    {
        if (firstTimeout)
        {
            SlowStartThreshold = Math.Max(ThresholdAfterLoss(flightSize, now), 2 * Smss);
        }

        Window = Smss;
        OnTimeoutWindowCollapsed();
    }

    /// <summary>Loss recovery ended with every byte sent before it acknowledged.</summary>
    /// <param name="window">cwnd from now on, as the recovery algorithm computed it (RFC 6582 §3.2 step 5; ssthresh under RFC 6675).</param>
    public virtual void OnRecoveryEnd(int window) => Window = Math.Clamp(window, Smss, MaxWindow);

    /// <summary>Sets cwnd during NewReno recovery (RFC 6582 §3.2 steps 3-5: inflation and deflation).</summary>
    internal void SetRecoveryWindow(int window) => Window = Math.Clamp(window, Smss, MaxWindow);

    /// <summary>Congestion-avoidance growth for one ACK, cwnd at or above ssthresh.</summary>
    private protected abstract void GrowInCongestionAvoidance(int bytesAcked, long now, long smoothedRtt);

    /// <summary>ssthresh after a congestion event (before the 2·SMSS floor); may record state for later growth.</summary>
    private protected abstract int ThresholdAfterLoss(int flightSize, long now);

    /// <summary>cwnd was just cut to one SMSS by a timeout.</summary>
    private protected virtual void OnTimeoutWindowCollapsed()
    {
    }
}
