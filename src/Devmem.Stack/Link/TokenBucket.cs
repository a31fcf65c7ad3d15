namespace Devmem.Stack.Link;

/// <summary>
/// A token-bucket shaper (as Linux's tbf): tokens are bits, refilled at the line rate up to the
/// bucket depth; a frame takes its size in tokens. The bucket may go into debt, so a frame that
/// finds too few tokens is not dropped but leaves when the debt is paid: its departure time. Time
/// is in <see cref="TimeProvider"/> timestamp ticks.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double _bitsPerTick;
    private readonly double _depthBits;
    private double _tokens;
    private long _last;

    /// <param name="bitsPerSecond">Line rate, positive.</param>
    /// <param name="depthBytes">Bucket depth, positive.</param>
    /// <param name="ticksPerSecond">The clock's timestamp frequency.</param>
    /// <param name="now">Creation time: the bucket starts full.</param>
    public TokenBucket(long bitsPerSecond, int depthBytes, long ticksPerSecond, long now)
    {
        _bitsPerTick = (double)bitsPerSecond / ticksPerSecond;
        _depthBits = depthBytes * 8.0;
        _tokens = _depthBits;
        _last = now;
    }

    /// <summary>When a frame of <paramref name="bytes"/> arriving at <paramref name="now"/> may leave: now, or later when the bucket is in debt.</summary>
    public long Depart(int bytes, long now)
    {
        _tokens = Math.Min(_depthBits, _tokens + ((now - _last) * _bitsPerTick));
        _last = now;
        _tokens -= bytes * 8.0;
        return _tokens >= 0 ? now : now + (long)Math.Ceiling(-_tokens / _bitsPerTick);
    }

    /// <summary>Gives back the tokens of a frame that was charged by <see cref="Depart"/> but then dropped.</summary>
    public void Refund(int bytes) => _tokens += bytes * 8.0;
}
