namespace Devmem.Stack.Sockets;

/// <summary>
/// The engine's monotonic clock in microseconds, the unit of every sans-IO layer below it, read from a
/// <see cref="TimeProvider"/> so that it follows whatever clock the links' fault injectors use.
/// </summary>
internal sealed class EngineClock(TimeProvider timeProvider)
{
    // Time starts at one second rather than zero so that "now minus an interval" never goes negative.
    private const long Origin = 1_000_000;

    private readonly long _start = timeProvider.GetTimestamp();

    /// <summary>Microseconds since the engine started, plus one second.</summary>
    public long Now => Origin + (timeProvider.GetElapsedTime(_start).Ticks / TimeSpan.TicksPerMicrosecond);

    /// <summary>How long to sleep until <paramref name="deadline"/>, rounded up to whole milliseconds; -1 (forever) for <paramref name="never"/>.</summary>
    public static int MillisecondsUntil(long deadline, long now, long never)
    {
        if (deadline == never)
        {
            return Timeout.Infinite;
        }

        long micros = deadline - now;
        return micros <= 0 ? 0 : (int)Math.Min(int.MaxValue, (micros + 999) / 1000);
    }
}
