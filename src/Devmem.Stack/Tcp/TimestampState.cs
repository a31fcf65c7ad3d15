namespace Devmem.Stack.Tcp;

/// <summary>
/// The Timestamps option's per-connection state (RFC 7323 §3-§5): our TSval clock, TS.Recent with its age,
/// Last.ACK.sent, the PAWS test and RTT samples from echoed values.
/// </summary>
public sealed class TimestampState
{
    /// <summary>RFC 7323 §5.5: TS.Recent is invalid after 24 days of idleness (2^31 ms at the fastest clock).</summary>
    private const long RecentLifetime = 24L * 24 * 3600 * 1_000_000;

    private uint _offset;
    private long _recentSetAt;

    /// <summary>Both SYNs carried the option: every segment but RST carries it from now on (RFC 7323 §3.2).</summary>
    public bool Enabled { get; private set; }

    /// <summary>TS.Recent: the TSval to echo.</summary>
    public uint Recent { get; private set; }

    /// <summary>Whether TS.Recent holds a value.</summary>
    public bool HasRecent { get; private set; }

    /// <summary>Last.ACK.sent: the ACK field of the last segment we sent.</summary>
    public SeqNumber LastAckSent { get; set; }

    /// <summary>
    /// Starts our clock. RFC 7323 §5.4 recommends a random offset per connection so that TSval reveals
    /// neither uptime nor other connections' clocks; the caller derives it like the ISN (RFC 6528).
    /// </summary>
    public void Start(uint offset) => _offset = offset;

    /// <summary>Turns the option on after the handshake found both ends using it.</summary>
    public void Enable() => Enabled = true;

    /// <summary>Our TSval at <paramref name="now"/> (microseconds): a 1 ms clock (RFC 7323 §5.4 allows 1 ms to 1 s).</summary>
    public uint Value(long now) => unchecked((uint)(now / 1000) + _offset);

    /// <summary>Takes the peer's TSval from its SYN as TS.Recent (RFC 7323 §4.3 (1)).</summary>
    public void SetRecent(uint tsVal, long now)
    {
        Recent = tsVal;
        HasRecent = true;
        _recentSetAt = now;
    }

    /// <summary>
    /// RFC 7323 §5.3 R1 (PAWS): a segment whose TSval is older than TS.Recent is an old duplicate, unless
    /// TS.Recent is itself too old to compare with (§5.5).
    /// </summary>
    public bool IsOld(uint tsVal, long now)
    {
        if (!HasRecent || unchecked((int)(tsVal - Recent)) >= 0)
        {
            return false;
        }

        if (now - _recentSetAt > RecentLifetime)
        {
            HasRecent = false;
            return false;
        }

        return true;
    }

    /// <summary>
    /// RFC 7323 §4.3 (2): a TSval not older than TS.Recent on a segment starting at or before Last.ACK.sent
    /// becomes TS.Recent, so the echo follows the segment that advanced the left edge of the window.
    /// </summary>
    public void Update(uint tsVal, SeqNumber segmentSeq, long now)
    {
        if ((!HasRecent || unchecked((int)(tsVal - Recent)) >= 0) && segmentSeq <= LastAckSent)
        {
            SetRecent(tsVal, now);
        }
    }

    /// <summary>RFC 7323 §4.1: the round trip an echoed TSecr measures, in microseconds (1 ms resolution).</summary>
    public long RoundTrip(uint echoReply, long now) => unchecked((long)(int)(Value(now) - echoReply)) * 1000;
}
