namespace Devmem.Stack.Tcp;

/// <summary>
/// RFC 5961 §7: challenge ACKs are rate-limited, so that an attacker spraying RSTs and SYNs cannot turn a
/// connection into an ACK amplifier. A fixed one-second window with a budget, per connection.
/// </summary>
public sealed class ChallengeAckLimiter
{
    private const long Second = 1_000_000;

    private readonly int _perSecond;
    private long _windowStart = long.MinValue;
    private int _sent;

    /// <param name="perSecond">Challenge ACKs allowed per second.</param>
    public ChallengeAckLimiter(int perSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        _perSecond = perSecond;
    }

    /// <summary>Whether one more challenge ACK may go out at <paramref name="now"/> (microseconds); counts it if so.</summary>
    public bool TryAcquire(long now)
    {
        if (_windowStart == long.MinValue || now - _windowStart >= Second)
        {
            _windowStart = now;
            _sent = 0;
        }

        if (_sent >= _perSecond)
        {
            return false;
        }

        _sent++;
        return true;
    }
}
