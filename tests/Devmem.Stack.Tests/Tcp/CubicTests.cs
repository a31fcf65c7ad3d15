using Devmem.Stack.Tcp.Congestion;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>CUBIC's window against RFC 9438's formulas: the reduction, K, the cubic curve, the Reno-friendly region, fast convergence, timeouts.</summary>
public class CubicTests
{
    private const int Smss = 1000;
    private const long Second = 1_000_000;

    // Slow start from the initial window to `segments` segments, one SMSS per ACK.
    private static CubicCongestionControl GrownTo(int segments)
    {
        var cubic = new CubicCongestionControl(Smss);
        while (cubic.Window < segments * Smss)
        {
            cubic.OnAck(Smss, 0, 0);
        }

        Assert.Equal(segments * Smss, cubic.Window);
        return cubic;
    }

    [Fact]
    public void ALoss_MultipliesTheWindowByBeta_AndRemembersWmax()
    {
        CubicCongestionControl cubic = GrownTo(100);
        cubic.OnCongestionEvent(100 * Smss, 0);
        Assert.Equal(70 * Smss, cubic.SlowStartThreshold);
        Assert.Equal(70 * Smss, cubic.Window);
        Assert.Equal(100, cubic.WMax, 9);
    }

    [Fact]
    public void TheEpoch_StartsAtTheFirstAckInCongestionAvoidance_WithRfcK()
    {
        CubicCongestionControl cubic = GrownTo(100);
        cubic.OnCongestionEvent(100 * Smss, 0);
        cubic.OnAck(Smss, 5 * Second, 100_000);

        // RFC 9438 eq. 2: K = cbrt((W_max − cwnd_epoch) / C) = cbrt(30 / 0.4).
        Assert.Equal(Math.Cbrt(30 / CubicCongestionControl.C), cubic.K, 9);
        Assert.Equal(100, cubic.CubicWindow(cubic.K), 9);
        Assert.Equal(70, cubic.CubicWindow(0), 9);
    }

    [Fact]
    public void TheWindow_FollowsTheCubic_ConcaveUpToWmax_ThenConvex()
    {
        // RTT 100 ms, one ACK per segment: cwnd tracks W_cubic(t + RTT) and plateaus around W_max at t = K.
        CubicCongestionControl cubic = GrownTo(100);
        cubic.OnCongestionEvent(100 * Smss, 0);
        const long rtt = 100_000;
        long now = 0;
        var samples = new List<(double T, double Window, double WEst)>();
        for (int round = 0; round < 80; round++)
        {
            int acks = cubic.Window / Smss;
            for (int i = 0; i < acks; i++)
            {
                cubic.OnAck(Smss, now + (rtt * i / acks), rtt);
            }

            now += rtt;
            samples.Add((now / 1e6, (double)cubic.Window / Smss, cubic.WEst));
        }

        double k = cubic.K;
        foreach ((double t, double window, double wEst) in samples)
        {
            // Within an RTT or two of lag or lead (it aims at W_cubic(t + RTT)) and a couple of segments of
            // rounding, the window is the cubic, or W_est where that is ahead (the Reno-friendly region
            // around W_max, where the cubic is flat).
            Assert.InRange(window, cubic.CubicWindow(t - 0.2) - 2, Math.Max(cubic.CubicWindow(t + 0.2), wEst) + 2);
            Assert.True(window >= 70 - 1e-9, $"{window} at {t}: below cwnd_epoch");
        }

        // Concave: growth per RTT shrinks while approaching W_max; convex: it grows again beyond it.
        double GrowthAround(double t)
        {
            int i = samples.FindIndex(s => s.T >= t);
            return samples[i + 1].Window - samples[i].Window;
        }

        Assert.True(GrowthAround(0.5) > GrowthAround(k - 0.5), "concave region slows down towards W_max");
        Assert.True(GrowthAround(k + 2.5) > GrowthAround(k), "convex region speeds up past W_max");
        Assert.InRange(samples.First(s => s.T >= k).Window, 98, 102);
    }

    [Fact]
    public void AtShortRtts_TheRenoFriendlyEstimate_Leads()
    {
        // W_max = 10 segments and a 1 ms RTT: the cubic barely moves in 0.1 s, W_est grows α_cubic per RTT
        // until it passes W_max (RFC 9438 §4.3), then one segment per RTT; cwnd follows W_est.
        CubicCongestionControl cubic = GrownTo(10);
        cubic.OnCongestionEvent(10 * Smss, 0);
        Assert.Equal(7 * Smss, cubic.Window);
        const long rtt = 1000;
        double wEst = 7;
        long now = Second;
        for (int round = 0; round < 100; round++)
        {
            // One stretch ACK for the whole window per RTT: W_est += α · cwnd / cwnd.
            double cwnd = (double)cubic.Window / Smss;
            wEst += (wEst >= 10 ? 1 : CubicCongestionControl.AlphaCubic) * cwnd / cwnd;
            cubic.OnAck(cubic.Window, now, rtt);
            now += rtt;
        }

        Assert.Equal(wEst, cubic.WEst, 6);
        Assert.True(cubic.CubicWindow((now - Second) / 1e6) < wEst);
        Assert.InRange(cubic.Window / (double)Smss, wEst - 1, wEst);
    }

    [Fact]
    public void FastConvergence_LowersWmax_WhenALossComesBelowThePreviousOne()
    {
        CubicCongestionControl cubic = GrownTo(100);
        cubic.OnCongestionEvent(100 * Smss, 0);
        Assert.Equal(70 * Smss, cubic.Window);

        // RFC 9438 §4.7: a loss at 70 < W_max = 100 remembers 70 · (1 + β) / 2.
        cubic.OnCongestionEvent(70 * Smss, Second);
        Assert.Equal(70 * (1 + CubicCongestionControl.Beta) / 2, cubic.WMax, 9);
        Assert.Equal(49 * Smss, cubic.Window);
    }

    [Fact]
    public void ATimeout_CollapsesToOneSegment_ThenTheCubicStartsAtItsInflectionPoint()
    {
        CubicCongestionControl cubic = GrownTo(100);
        cubic.OnRetransmitTimeout(100 * Smss, firstTimeout: true, 0);
        Assert.Equal(Smss, cubic.Window);
        Assert.Equal(70 * Smss, cubic.SlowStartThreshold);

        // Slow start back to ssthresh, then RFC 9438 §4.8: K = 0 and W_max = the window at that point.
        while (cubic.InSlowStart)
        {
            cubic.OnAck(Smss, Second, 100_000);
        }

        cubic.OnAck(Smss, 2 * Second, 100_000);
        Assert.Equal(0, cubic.K);
        Assert.Equal(70, cubic.WMax, 9);
    }

    [Fact]
    public void NewReno_HalvesTheFlight_AndGrowsOneSegmentPerWindow()
    {
        var reno = new NewRenoCongestionControl(Smss);
        while (reno.Window < 20 * Smss)
        {
            reno.OnAck(Smss, 0, 0);
        }

        reno.OnCongestionEvent(20 * Smss, 0);
        Assert.Equal(10 * Smss, reno.Window);
        for (int i = 0; i < 10; i++)
        {
            reno.OnAck(Smss, 0, 0);
        }

        Assert.InRange(reno.Window, 11 * Smss - 100, 11 * Smss);
    }

    // A receiver that aggregates (GRO) acknowledges 45 segments at once: slow start counts them all, as
    // Linux's tcp_slow_start does, so the window still doubles per round trip; past ssthresh the rest is
    // congestion avoidance's.
    [Fact]
    public void SlowStart_CountsEveryByteOfAStretchAck_UpToSsthresh()
    {
        var reno = new NewRenoCongestionControl(Smss);
        int initial = reno.Window;
        reno.OnAck(45 * Smss, 0, 0);
        Assert.Equal(initial + 45 * Smss, reno.Window);

        reno.OnCongestionEvent(100 * Smss, 0);
        Assert.Equal(50 * Smss, reno.SlowStartThreshold);
        reno.OnRetransmitTimeout(50 * Smss, firstTimeout: true, 0);
        Assert.Equal(Smss, reno.Window);
        int threshold = reno.SlowStartThreshold;
        // From one segment to ssthresh takes threshold - SMSS of the ACK; the other 11 segments' worth is
        // congestion avoidance's.
        reno.OnAck(threshold + 10 * Smss, 0, 0);
        Assert.Equal(threshold + (long)Smss * 11 * Smss / threshold, reno.Window);

        // In congestion avoidance a stretch ACK of a whole window grows it by one segment, as the ACKs one by one would.
        int window = reno.Window;
        reno.OnAck(window, 0, 0);
        Assert.Equal(window + Smss, reno.Window);
    }

    [Fact]
    public void Create_GivesTheChosenAlgorithm()
    {
        Assert.IsType<CubicCongestionControl>(CongestionControl.Create(CongestionControlAlgorithm.Cubic, Smss));
        Assert.IsType<NewRenoCongestionControl>(CongestionControl.Create(CongestionControlAlgorithm.NewReno, Smss));
    }
}
