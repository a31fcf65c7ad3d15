namespace Devmem.Stack.Tcp;

/// <summary>
/// Tail loss probes (RFC 8985 §7) and the part of RACK (§6) this sender can apply without a per-segment
/// transmit log: when data sent <em>later</em> is seen delivered, everything unSACKed that was sent
/// before it is lost. Two events give that evidence: the ACK of a probe, and a SACK above what had been
/// sent when the first hole was retransmitted (a lost retransmission, which RFC 6675 alone leaves to the
/// RTO). Both need SACK.
/// </summary>
public sealed partial class TcpConnection
{
    // RFC 8985 §7.2: WCDelAckT, the worst-case delayed-ACK time added when one segment is in flight.
    private const long WorstCaseDelayedAck = 200_000;

    // Linux's TCP_TIMEOUT_MIN: added to every multi-segment PTO.
    private const long ProbeTimeoutFloor = 2_000;

    // RFC 8985 §7.2: the PTO before any RTT sample.
    private const long InitialProbeTimeout = 1_000_000;

    private long _tailProbeAt = Never;
    private bool _tailProbeDue;

    // A probe is out: its first sequence number and SND.MAX after it (RFC 8985 TLP.end_seq).
    private bool _tailProbeOutstanding;
    private SeqNumber _tailProbeSeq;
    private SeqNumber _tailProbeEnd;

    // Unsacked data below this was sent before something that has been delivered: lost (RACK's rule).
    private SeqNumber _deliveredAfterBoundary;

    // The first hole was retransmitted when SND.MAX was _rexmitMark: a SACK above the mark while the hole
    // is still open means that retransmission was lost.
    private bool _rexmitWatched;
    private SeqNumber _rexmitSeq;
    private SeqNumber _rexmitMark;

    // RFC 8985 §7.2: arm the PTO when new data or an ACK leaves data in flight, SACK is on, no recovery runs,
    // and no probe is out. PTO = 2·SRTT (+ WCDelAckT for a single segment), never later than the RTO.
    private void ScheduleTailLossProbe(long now)
    {
        _tailProbeAt = Never;
        if (!_sackPermitted || _inRecovery || _tailProbeOutstanding || _sndMax == _sndUna || _sndNxt != _sndMax || !CanSendData)
        {
            return;
        }

        // Linux adds its timer floor (TCP_TIMEOUT_MIN, 2 ms) where the RFC adds nothing: with the microsecond
        // RTTs of a memory link, 2·SRTT alone is shorter than a thread's scheduling hiccup.
        long pto = _rtt.SmoothedRtt > 0 ? 2 * _rtt.SmoothedRtt : InitialProbeTimeout;
        pto += _sndMax - _sndUna <= _sndMss ? WorstCaseDelayedAck : ProbeTimeoutFloor;

        long at = now + pto;
        if (at < _retransmitAt)
        {
            _tailProbeAt = at;
        }
    }

    private void OnTailProbeTimeout()
    {
        _tailProbeAt = Never;
        _tailProbeDue = true;
    }

    // RFC 8985 §7.3: the probe is one new segment if the peer's window allows, else the last segment again.
    private bool TrySendTailProbe(long now, int maxPayload, out Wire.TcpHeader header, out int length)
    {
        // Still due while new data is tried, so TailProbeAllowance lets it past a full cwnd.
        SeqNumber seq = _sndNxt;
        bool sent = TrySendData(now, maxPayload, gsoMaxPayload: 0, out header, out length, out _);
        _tailProbeDue = false;
        if (!sent)
        {
            seq = SeqNumber.Max(_sndUna, _sndMax - MaxPayload(now, maxPayload));
            sent = TryRetransmit(seq, _sndMax, now, maxPayload, out header, out length);
        }

        if (sent)
        {
            Counters.TailLossProbes++;
            _tailProbeOutstanding = true;
            _tailProbeSeq = seq;
            _tailProbeEnd = _sndMax;
            _retransmitAt = now + _rtt.Rto;

            // One probe at a time (RFC 8985 §7.3): sending it must not have armed the next.
            _tailProbeAt = Never;
        }

        return sent;
    }

    // The probe allows one segment past cwnd (it is sent because nothing else would be).
    private int TailProbeAllowance => _tailProbeDue ? _sndMss : 0;

    // After an ACK is processed: what delivery tells about losses. Runs before the duplicate-ACK logic reads
    // LostBoundary().
    private void DetectLossByDelivery()
    {
        if (_tailProbeOutstanding)
        {
            bool probeDelivered = _sndUna >= _tailProbeEnd || (!_scoreboard.IsEmpty && _scoreboard.HighestSacked >= _tailProbeEnd);
            if (probeDelivered)
            {
                _tailProbeOutstanding = false;
                _deliveredAfterBoundary = SeqNumber.Max(_deliveredAfterBoundary, _tailProbeSeq);
            }
        }

        if (_rexmitWatched)
        {
            if (_sndUna > _rexmitSeq)
            {
                _rexmitWatched = false;
            }
            else if (_inRecovery && !_scoreboard.IsEmpty && _scoreboard.HighestSacked > _rexmitMark)
            {
                _rexmitWatched = false;
                Counters.LostRetransmissions++;
                _retransmitFirst = true;
            }
        }
    }

    // A retransmission of the first hole: watch whether data sent after it arrives first.
    private void WatchRetransmission(SeqNumber seq)
    {
        if (seq == _sndUna && _sackPermitted)
        {
            _rexmitWatched = true;
            _rexmitSeq = seq;
            _rexmitMark = _sndMax;
        }
    }
}
