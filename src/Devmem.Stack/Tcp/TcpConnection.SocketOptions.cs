using Devmem.Uapi;

namespace Devmem.Stack.Tcp;

/// <summary>
/// The socket options an application may change on an open connection, as Linux's TCP_NODELAY,
/// TCP_CORK and TCP_USER_TIMEOUT behave.
/// </summary>
public sealed partial class TcpConnection
{
    // Linux's TCP_CORK ceiling: a partial segment is held at most this long.
    private const long CorkCeiling = 200_000;

    private bool _corked;
    private bool _corkExpired;
    private long _corkAt = Never;
    private long _userTimeout;

    // When sent data last made progress: the first byte of a flight went out, or an ACK moved SND.UNA.
    private long _progressAt;

    /// <summary>TCP_NODELAY: short segments go without waiting for outstanding data to be acknowledged (Nagle off).</summary>
    public bool NoDelay { get; set; }

    /// <summary>
    /// TCP_CORK: only full segments go while set; a partial one waits until the cork is removed, the data
    /// fills a segment, or 200 ms pass (Linux's ceiling). Removing it sends what waits.
    /// </summary>
    public bool Cork
    {
        get => _corked;
        set
        {
            _corked = value;
            _corkExpired = false;
            _corkAt = Never;
        }
    }

    /// <summary>TCP_USER_TIMEOUT (RFC 5482): unacknowledged data older than this ends the connection with ETIMEDOUT; zero for none.</summary>
    public TimeSpan UserTimeout
    {
        get => TimeSpan.FromMicroseconds(_userTimeout);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _userTimeout = Micros(value);
        }
    }

    // The cork keeps a partial segment back.
    private bool CorkHolds => _corked && !_corkExpired;

    // Data is outstanding and a user timeout is set: when the connection gives up.
    private long UserTimeoutAt => _userTimeout > 0 && _sndMax != _sndUna && CanSendData ? _progressAt + _userTimeout : Never;

    // The cork ceiling starts when a partial segment is first held back.
    private void UpdateCorkTimer(long now)
    {
        bool holding = CorkHolds && _sendBuffer.Length - (_sndNxt - _sndBufSeq) > 0;
        if (!holding)
        {
            _corkAt = Never;
        }
        else if (_corkAt == Never)
        {
            _corkAt = now + CorkCeiling;
        }
    }

    // Timers of these options; false when the connection just ended.
    private bool RunOptionTimers(long now)
    {
        if (UserTimeoutAt <= now)
        {
            EnterClosed(Errno.ETIMEDOUT);
            return false;
        }

        if (_corkAt <= now)
        {
            _corkAt = Never;
            _corkExpired = true;
        }

        return true;
    }
}
