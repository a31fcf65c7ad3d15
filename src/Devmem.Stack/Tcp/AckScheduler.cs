namespace Devmem.Stack.Tcp;

/// <summary>
/// When to acknowledge received data (RFC 5681 §4.2, RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2): at once for the
/// first segments of a connection (quick ACKs, so slow start is not held back), for out-of-order data and
/// for data that fills a gap; otherwise delayed, but never past two full-sized segments nor past the
/// delayed-ACK timeout. Any segment we send with ACK set clears what is pending.
/// </summary>
public sealed class AckScheduler
{
    private readonly long _delay;
    private int _quickAcksLeft;
    private int _unackedBytes;

    /// <param name="delay">The delayed-ACK timeout in microseconds.</param>
    public AckScheduler(long delay)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(delay);
        _delay = delay;
        Deadline = long.MaxValue;
    }

    /// <summary>An ACK must go out now.</summary>
    public bool Immediate { get; private set; }

    /// <summary>When a delayed ACK falls due (microseconds), <see cref="long.MaxValue"/> when none is pending.</summary>
    public long Deadline { get; private set; }

    /// <summary>Whether an ACK is due at <paramref name="now"/>.</summary>
    public bool IsDue(long now) => Immediate || Deadline <= now;

    /// <summary>Whether anything is pending, due or not.</summary>
    public bool IsPending => Immediate || Deadline != long.MaxValue;

    /// <summary>Grants the quick ACKs of a connection's start (Linux: half the window in segments, at most the option's count).</summary>
    public void StartQuickAcks(int count) => _quickAcksLeft = Math.Max(count, 0);

    /// <summary>
    /// In-order data arrived. <paramref name="urgent"/>: it filled a gap, or out-of-order data is still
    /// waiting (RFC 5681 §4.2 asks for an immediate ACK either way).
    /// </summary>
    public void OnData(int bytes, int fullSegment, bool urgent, long now)
    {
        _unackedBytes += bytes;
        if (urgent || _quickAcksLeft > 0 || _unackedBytes >= 2 * fullSegment)
        {
            if (!urgent && _quickAcksLeft > 0)
            {
                _quickAcksLeft--;
            }

            Immediate = true;
        }
        else if (Deadline == long.MaxValue)
        {
            Deadline = now + _delay;
        }
    }

    /// <summary>Something needs an ACK at once: out-of-order data, a FIN, an unacceptable segment, a probe.</summary>
    public void AckNow() => Immediate = true;

    /// <summary>A segment carrying our current RCV.NXT went out.</summary>
    public void OnAckSent()
    {
        Immediate = false;
        Deadline = long.MaxValue;
        _unackedBytes = 0;
    }
}
