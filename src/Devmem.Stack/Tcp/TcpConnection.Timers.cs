using Devmem.Uapi;

namespace Devmem.Stack.Tcp;

/// <summary>
/// The timers (retransmission RFC 6298, persist RFC 9293 §3.8.6.1, keepalive §3.8.4, TIME-WAIT §3.6.1 and
/// the delayed ACK) as deadlines on the driver's clock: expired ones run at the start of
/// <see cref="TryDispatch"/>, and <see cref="PollAt"/> reports the earliest.
/// </summary>
public sealed partial class TcpConnection
{
    private const int MaxPersistBackoff = 30;

    private long _retransmitAt = Never;
    private long _persistAt = Never;
    private long _keepaliveAt = Never;
    private long _timeWaitAt = Never;

    // Consecutive retransmission timeouts of the oldest outstanding segment.
    private int _timeouts;
    private int _persistBackoff;
    private int _keepaliveProbes;

    private bool _retransmitFirst;
    private bool _probeDue;
    private bool _keepaliveDue;

    // The segment timed for an RTT sample when timestamps are off (RFC 6298 §3: one at a time).
    private bool _rttTiming;
    private SeqNumber _rttSeq;
    private long _rttStart;

    private bool _resetPending;
    private SeqNumber _resetSeq;
    private SeqNumber? _resetAck;

    /// <summary>
    /// When the driver must call <see cref="TryDispatch"/> next (microseconds): <paramref name="now"/> when a
    /// segment is ready, else the earliest timer, <see cref="Never"/> when nothing is pending.
    /// </summary>
    public long PollAt(long now)
    {
        if (_resetPending)
        {
            return now;
        }

        if (State == TcpState.Closed)
        {
            return Never;
        }

        if (HasSegmentReady(now) || (_persistAt == Never && IsStalled(now)))
        {
            // Ready to send, or data stalled behind the window with no persist timer yet: the next
            // dispatch sends, or arms the timer.
            return now;
        }

        long at = Math.Min(Math.Min(Math.Min(_retransmitAt, _tailProbeAt), _persistAt), Math.Min(_keepaliveAt, _timeWaitAt));
        at = Math.Min(at, Math.Min(_corkAt, UserTimeoutAt));
        return CanSendAck ? Math.Min(at, _acks.Deadline) : at;
    }

    private bool HasSegmentReady(long now)
    {
        if ((State is TcpState.SynSent or TcpState.SynReceived && _sndNxt == _iss) || _keepaliveDue || (_tailProbeDue && CanSendData))
        {
            return true;
        }

        if (CanSendData)
        {
            bool newData = PlanData(_sndMss - SegmentOptions(now).EncodedLength, _probeDue, out _, out _, out _);
            if (_retransmitFirst || newData || PlanHoleRetransmission(newData, out _, out _))
            {
                return true;
            }
        }

        return CanSendAck && (_acks.IsDue(now) || WindowUpdateDue);
    }

    private void RunTimers(long now)
    {
        if (_timeWaitAt <= now)
        {
            EnterClosed(Errno.None);
            return;
        }

        if (!RunOptionTimers(now))
        {
            return;
        }

        if (_retransmitAt <= now)
        {
            OnRetransmitTimeout(now);
            if (State == TcpState.Closed)
            {
                return;
            }
        }

        if (_tailProbeAt <= now)
        {
            OnTailProbeTimeout();
        }

        if (_persistAt <= now)
        {
            _persistAt = Never;
            _probeDue = true;
            _persistBackoff = Math.Min(_persistBackoff + 1, MaxPersistBackoff);
        }

        if (_keepaliveAt <= now)
        {
            OnKeepaliveTimeout(now);
        }
    }

    // RFC 6298 §5.4-§5.6 and RFC 5681 §3.1: give up after too many, else back off, shrink cwnd to one
    // segment and send again from SND.UNA.
    private void OnRetransmitTimeout(long now)
    {
        _retransmitAt = Never;
        bool handshake = State is TcpState.SynSent or TcpState.SynReceived;
        if (_timeouts >= (handshake ? _options.MaxSynRetransmissions : _options.MaxRetransmissions))
        {
            EnterClosed(Errno.ETIMEDOUT);
            return;
        }

        _timeouts++;
        Counters.RetransmissionTimeouts++;
        if (handshake)
        {
            _synRetransmitted = true;
        }
        else
        {
            OnTimeoutRecovery(now);
        }

        _rtt.BackOff();
        _rttTiming = false;
        _retransmitFirst = false;
        _sndNxt = _sndUna;
        SkipSackedData();
    }

    // RFC 9293 §3.8.4 and RFC 1122 §4.2.3.6: probe an idle connection, give up when probes go unanswered.
    private void OnKeepaliveTimeout(long now)
    {
        _keepaliveAt = Never;
        if (State is not (TcpState.Established or TcpState.CloseWait))
        {
            return;
        }

        if (_sndMax != _sndUna)
        {
            // Data outstanding: the retransmission timer watches the peer already.
            _keepaliveAt = now + Micros(_options.KeepAliveIdle);
            return;
        }

        if (_keepaliveProbes >= _options.KeepAliveProbes)
        {
            EnterClosed(Errno.ETIMEDOUT);
            return;
        }

        _keepaliveProbes++;
        _keepaliveDue = true;
        _keepaliveAt = now + Micros(_options.KeepAliveInterval);
    }

    // An acceptable segment arrived: the peer is alive.
    private void NoteActivity(long now)
    {
        if (_options.KeepAlive && State is TcpState.Established or TcpState.CloseWait)
        {
            _keepaliveProbes = 0;
            _keepaliveAt = now + Micros(_options.KeepAliveIdle);
        }
    }

    // RFC 9293 §3.8.6.1: when data waits for a window that is closed (or too small to pass SWS avoidance)
    // and nothing is in flight to bring an ACK, the persist timer guarantees a probe, backing off like the RTO.
    private void UpdatePersistTimer(long now)
    {
        if (!IsStalled(now))
        {
            if (!_probeDue)
            {
                _persistAt = Never;
            }

            return;
        }

        if (_persistAt == Never)
        {
            _persistAt = now + Math.Min(_rtt.Rto << _persistBackoff, Micros(_options.MaxRto));
        }
    }

    // Data waits, nothing is in flight to bring an ACK, and the window keeps the data back.
    private bool IsStalled(long now) =>
        CanSendData
        && !_probeDue
        && _sndNxt == _sndUna
        && _retransmitAt == Never
        && _sendBuffer.Length - (_sndNxt - _sndBufSeq) > 0
        && !PlanData(_sndMss - SegmentOptions(now).EncodedLength, probe: false, out _, out _, out _);

    private void StopTimers()
    {
        _corkAt = Never;
        _retransmitAt = Never;
        _tailProbeAt = Never;
        _persistAt = Never;
        _keepaliveAt = Never;
        _timeWaitAt = Never;
    }
}
