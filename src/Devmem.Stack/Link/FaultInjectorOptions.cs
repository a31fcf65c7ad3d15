namespace Devmem.Stack.Link;

/// <summary>
/// What a <see cref="FaultInjector"/> does to the frames passing through it, in the spirit of
/// Linux netem: probabilities in [0, 1] per frame, a latency with jitter, a rate, and a seed that
/// makes every run with the same input and clock identical.
/// </summary>
public sealed record FaultInjectorOptions
{
    /// <summary>Seed of the injector's <see cref="Random"/>: the same seed, frames and clock give the same faults.</summary>
    public int Seed { get; init; }

    /// <summary>Probability that a frame is dropped.</summary>
    public double LossRate { get; init; }

    /// <summary>Probability that a frame is sent twice.</summary>
    public double DuplicateRate { get; init; }

    /// <summary>
    /// Probability that one random bit of a frame is flipped, in a byte past the Ethernet header so
    /// that an IP, ICMP or TCP checksum, not the link, has to catch it (frames carry no FCS here).
    /// </summary>
    public double CorruptRate { get; init; }

    /// <summary>Probability that a frame is held back and released after <see cref="ReorderDistance"/> later frames.</summary>
    public double ReorderRate { get; init; }

    /// <summary>How many later frames overtake a frame held back for reordering.</summary>
    public int ReorderDistance { get; init; } = 3;

    /// <summary>The longest a frame is held back for reordering when fewer later frames come.</summary>
    public TimeSpan ReorderTimeout { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Fixed one-way latency added to every frame.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>
    /// Each frame's latency varies uniformly within ± this much (never below zero). As with netem,
    /// jitter larger than the gap between frames reorders them.
    /// </summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Line rate in bits per second (a token-bucket shaper); 0 for none.</summary>
    public long RateBitsPerSecond { get; init; }

    /// <summary>Bucket depth in bytes: what may pass at once after idling; 0 for one maximum-size frame.</summary>
    public int RateBurstBytes { get; init; }

    /// <summary>
    /// Frames held at once (delayed, shaped or reordered). A frame that would need more is dropped and
    /// counted as <see cref="FaultInjector.Overflowed"/>, as a shaper's full queue drops.
    /// </summary>
    public int HoldCapacity { get; init; } = 1024;

    /// <summary>Checks every value; called by the injector.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        CheckProbability(LossRate, nameof(LossRate));
        CheckProbability(DuplicateRate, nameof(DuplicateRate));
        CheckProbability(CorruptRate, nameof(CorruptRate));
        CheckProbability(ReorderRate, nameof(ReorderRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ReorderDistance, nameof(ReorderDistance));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReorderTimeout, TimeSpan.Zero, nameof(ReorderTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(Latency, TimeSpan.Zero, nameof(Latency));
        ArgumentOutOfRangeException.ThrowIfLessThan(Jitter, TimeSpan.Zero, nameof(Jitter));
        ArgumentOutOfRangeException.ThrowIfNegative(RateBitsPerSecond, nameof(RateBitsPerSecond));
        ArgumentOutOfRangeException.ThrowIfNegative(RateBurstBytes, nameof(RateBurstBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HoldCapacity, nameof(HoldCapacity));
    }

    private static void CheckProbability(double value, string name)
    {
        if (!(value is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "A probability lies in [0, 1].");
        }
    }
}
