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

    /// <inheritdoc/>
    private protected override void GrowInCongestionAvoidance(int bytesAcked, long now, long smoothedRtt) =>
        Window = Math.Min(Window + Math.Max(1, (int)((long)Smss * Smss / Window)), MaxWindow);

    /// <inheritdoc/>
    private protected override int ThresholdAfterLoss(int flightSize, long now) => flightSize / 2;
}
