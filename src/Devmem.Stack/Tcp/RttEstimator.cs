namespace Devmem.Stack.Tcp;

/// <summary>
/// The retransmission timer's value (RFC 6298): smoothed RTT and its variation from samples (§2), the RTO
/// derived from them and clamped to [MinRto, MaxRto] (§2.4, §2.5), and the exponential backoff applied on
/// each expiry (§5.5). Times in microseconds.
/// </summary>
public sealed class RttEstimator
{
    /// <summary>RFC 6298 §2: the clock granularity G; timestamps tick in milliseconds.</summary>
    private const long Granularity = 1000;

    /// <summary>RFC 6298 §5.7: the RTO after a handshake whose SYN timed out.</summary>
    private const long SynTimeoutRto = 3_000_000;

    private readonly long _minRto;
    private readonly long _maxRto;
    private long _rto;

    /// <param name="initialRto">RTO before any sample (RFC 6298 §2.1).</param>
    /// <param name="minRto">Lower bound (§2.4).</param>
    /// <param name="maxRto">Upper bound (§2.5).</param>
    public RttEstimator(TimeSpan initialRto, TimeSpan minRto, TimeSpan maxRto)
    {
        _rto = ToMicros(initialRto);
        _minRto = ToMicros(minRto);
        _maxRto = ToMicros(maxRto);
    }

    /// <summary>SRTT in microseconds, 0 before the first sample.</summary>
    public long SmoothedRtt { get; private set; }

    /// <summary>RTTVAR in microseconds.</summary>
    public long RttVariation { get; private set; }

    /// <summary>Whether a sample has been taken.</summary>
    public bool HasSample { get; private set; }

    /// <summary>Consecutive expiries since the last new acknowledgment (the backoff exponent).</summary>
    public int BackoffExponent { get; private set; }

    /// <summary>The RTO with backoff applied, in microseconds, never above the maximum.</summary>
    public long Rto => BackoffExponent >= 31 ? _maxRto : Math.Min(_rto << BackoffExponent, _maxRto);

    /// <summary>RFC 6298 §2.2 and §2.3: folds one RTT measurement in and recomputes the RTO.</summary>
    public void Sample(long rtt)
    {
        rtt = Math.Max(rtt, 0);
        if (!HasSample)
        {
            SmoothedRtt = rtt;
            RttVariation = rtt / 2;
            HasSample = true;
        }
        else
        {
            // beta = 1/4, alpha = 1/8; RTTVAR is updated with the SRTT from before this sample.
            RttVariation = ((3 * RttVariation) + Math.Abs(SmoothedRtt - rtt)) / 4;
            SmoothedRtt = ((7 * SmoothedRtt) + rtt) / 8;
        }

        _rto = Math.Clamp(SmoothedRtt + Math.Max(Granularity, 4 * RttVariation), _minRto, _maxRto);
    }

    /// <summary>RFC 6298 §5.5: the timer expired; the next RTO is twice this one (up to the maximum).</summary>
    public void BackOff() => BackoffExponent = Math.Min(BackoffExponent + 1, 31);

    /// <summary>New data was acknowledged: the backed-off value gives way to the estimate again.</summary>
    public void ResetBackoff() => BackoffExponent = 0;

    /// <summary>
    /// RFC 6298 §5.7: when the SYN timed out and no RTT was measured, data transmission starts with an RTO
    /// of at least 3 seconds.
    /// </summary>
    public void OnSynTimedOut()
    {
        if (!HasSample)
        {
            _rto = Math.Min(Math.Max(_rto, SynTimeoutRto), _maxRto);
        }
    }

    private static long ToMicros(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;
}
