namespace Devmem.Stack.Tcp.Congestion;

/// <summary>
/// RFC 5681's window growth: about one SMSS per round trip in congestion avoidance (eq. 3), and half the
/// flight as the new ssthresh after a loss (eq. 4). Fast recovery itself (RFC 6582 or RFC 6675) is the
/// connection's.
/// </summary>
public sealed class NewRenoCongestionControl : CongestionControl
{
    /// <param name="smss">Sender MSS.</param>
    public NewRenoCongestionControl(int smss)
    {
        Reset(smss);
    }

    /// <inheritdoc/>
    public override CongestionControlAlgorithm Algorithm => CongestionControlAlgorithm.NewReno;

    // Eq. 3's SMSS·SMSS/cwnd per full-sized segment acknowledged, so an ACK that covers many (a stretch ACK, or
    // one for an aggregate) grows the window as much as their ACKs one by one would, as Linux's
    // tcp_cong_avoid_ai counts segments: still one SMSS per window's worth of data.
    /// <inheritdoc/>
    private protected override void GrowInCongestionAvoidance(int bytesAcked, long now, long smoothedRtt) =>
        Window = (int)Math.Min(Window + Math.Max(1, (long)Smss * Math.Max(bytesAcked, Smss) / Window), MaxWindow);

    /// <inheritdoc/>
    private protected override int ThresholdAfterLoss(int flightSize, long now) => flightSize / 2;
}
