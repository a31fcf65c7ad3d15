namespace Devmem.Stack.Tcp.Congestion;

/// <summary>
/// CUBIC (RFC 9438): after a loss the window follows <c>W_cubic(t) = C·(t − K)³ + W_max</c> (§4.2), a
/// cubic that plateaus at the window where the loss happened and probes beyond it, never slower than the
/// Reno-friendly estimate <c>W_est</c> (§4.3). Windows in the formulas are in segments and time in
/// seconds, as the RFC writes them; cwnd itself stays in bytes.
/// </summary>
public sealed class CubicCongestionControl : CongestionControl
{
    /// <summary>RFC 9438 §5: C, in segments per second cubed.</summary>
    public const double C = 0.4;

    /// <summary>RFC 9438 §4.6: the multiplicative decrease factor.</summary>
    public const double Beta = 0.7;

    /// <summary>RFC 9438 §4.3: α_cubic = 3(1 − β)/(1 + β), so that W_est grows like Reno with β_cubic.</summary>
    public static readonly double AlphaCubic = 3 * (1 - Beta) / (1 + Beta);

    private const long NoEpoch = long.MinValue;

    private double _wMax;
    private double _cwndPrior;
    private double _k;
    private long _epochStart = NoEpoch;
    private double _wEst;
    private double _carryBytes;
    private bool _afterTimeout;

    /// <param name="smss">Sender MSS.</param>
    public CubicCongestionControl(int smss)
    {
        Reset(smss);
    }

    /// <inheritdoc/>
    public override CongestionControlAlgorithm Algorithm => CongestionControlAlgorithm.Cubic;

    /// <summary>W_max, in segments: the window just before the last reduction (after fast convergence).</summary>
    public double WMax => _wMax;

    /// <summary>K, in seconds: when W_cubic reaches W_max again; valid once the current epoch started.</summary>
    public double K => _k;

    /// <summary>W_est, in segments: the Reno-friendly estimate of the current epoch.</summary>
    public double WEst => _wEst;

    /// <summary>RFC 9438 Figure 1: W_cubic(t) in segments, <paramref name="t"/> seconds into the epoch.</summary>
    public double CubicWindow(double t) => (C * Math.Pow(t - _k, 3)) + _wMax;

    /// <inheritdoc/>
    public override void Reset(int smss)
    {
        base.Reset(smss);
        _wMax = 0;
        _cwndPrior = 0;
        _k = 0;
        _epochStart = NoEpoch;
        _wEst = 0;
        _carryBytes = 0;
        _afterTimeout = false;
    }

    /// <inheritdoc/>
    public override void OnRecoveryEnd(int window)
    {
        // RFC 9438 §4.6: cwnd stays at the reduced value; a new epoch starts with the next ACK in congestion avoidance.
        base.OnRecoveryEnd(window);
        _epochStart = NoEpoch;
    }

    /// <inheritdoc/>
    private protected override int ThresholdAfterLoss(int flightSize, long now)
    {
        double cwnd = (double)Window / Smss;

        // §4.7 fast convergence: a loss below the previous W_max means a new flow took bandwidth, so
        // release some by remembering a lower plateau.
        _wMax = cwnd < _wMax ? cwnd * (1 + Beta) / 2 : cwnd;
        _cwndPrior = cwnd;
        _epochStart = NoEpoch;
        _afterTimeout = false;
        _carryBytes = 0;

        // §4.6: ssthresh = cwnd · β_cubic (Linux, like the RFC, multiplies cwnd rather than the flight).
        return (int)(Window * Beta);
    }

    /// <inheritdoc/>
    private protected override void OnTimeoutWindowCollapsed()
    {
        // §4.8: after a timeout the first congestion-avoidance stage uses K = 0 and W_max = the window
        // it starts with.
        _afterTimeout = true;
        _epochStart = NoEpoch;
    }

    /// <inheritdoc/>
    private protected override void GrowInCongestionAvoidance(int bytesAcked, long now, long smoothedRtt)
    {
        double cwnd = (double)Window / Smss;
        if (_epochStart == NoEpoch)
        {
            StartEpoch(cwnd, now);
        }

        double segmentsAcked = (double)bytesAcked / Smss;
        double t = (now - _epochStart) / 1e6;
        double rtt = smoothedRtt / 1e6;

        // §4.3: W_est grows by α_cubic per window of ACKs, and by 1 once it reaches cwnd_prior (the window
        // before the reduction), where Reno would be growing at that rate too.
        double alpha = _wEst >= _cwndPrior ? 1 : AlphaCubic;
        _wEst += alpha * segmentsAcked / cwnd;

        double next;
        if (CubicWindow(t) < _wEst)
        {
            // §4.3 Reno-friendly region: at least as fast as Reno would be.
            next = _wEst;
        }
        else
        {
            // §4.4/§4.5 concave and convex regions: move towards W_cubic one RTT ahead, clamped so a
            // window never more than grows by half per RTT.
            double target = Math.Clamp(CubicWindow(t + rtt), cwnd, 1.5 * cwnd);
            next = cwnd + ((target - cwnd) / cwnd * segmentsAcked);
        }

        _carryBytes += (next - cwnd) * Smss;
        int whole = (int)_carryBytes;
        if (whole > 0)
        {
            _carryBytes -= whole;
            Window = (int)Math.Min((long)Window + whole, MaxWindow);
        }
    }

    // §4.2: the epoch starts with the first ACK in congestion avoidance; K is when W_cubic climbs back to W_max.
    private void StartEpoch(double cwnd, long now)
    {
        _epochStart = now;
        _wEst = cwnd;
        if (_afterTimeout || cwnd >= _wMax)
        {
            // After a timeout (§4.8), or past the old plateau (slow start overshot it, or there was none):
            // the cubic starts at its inflection point here.
            _wMax = cwnd;
            _cwndPrior = Math.Min(_cwndPrior, cwnd);
            _k = 0;
            _afterTimeout = false;
            return;
        }

        _k = Math.Cbrt((_wMax - cwnd) / C);
    }
}
