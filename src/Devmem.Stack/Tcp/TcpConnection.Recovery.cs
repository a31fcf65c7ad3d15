using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// Loss detection and fast recovery. With SACK negotiated it is RFC 6675's: a scoreboard of SACKed ranges,
/// <c>pipe</c> instead of the flight size, and NextSeg() choosing lost holes first, then new data, then
/// holes below SACKed data. Without SACK it is NewReno (RFC 6582). Both use limited transmit (RFC 3042)
/// on the first two duplicate ACKs, and share <c>recover</c> (RFC 6675's RecoveryPoint). The congestion
/// controller only sizes the windows.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>RFC 5681 §3.2 and RFC 6675 §2: DupThresh.</summary>
    public const int DuplicateAckThreshold = 3;

    // Duplicate ACKs in a row outside recovery.
    private int _dupAcks;
    private bool _inRecovery;

    // The recovery in progress is RFC 6675's (scoreboard and pipe) rather than NewReno's.
    private bool _sackRecovery;

    // RFC 6582 `recover` / RFC 6675 RecoveryPoint: the highest sequence number sent when recovery (or a
    // timeout) began; no new recovery starts until the cumulative ACK passes it.
    private SeqNumber _recover;

    // RFC 6675 HighRxt, as an exclusive end: recovery has retransmitted (the unSACKed part of) [SND.UNA, _highRxt).
    private SeqNumber _highRxt;

    // The scoreboard holds data: SACK information shapes what is in flight and what is sent.
    private bool UsingScoreboard => _sackPermitted && !_scoreboard.IsEmpty;

    // Records the SACK blocks of an acceptable ACK (RFC 6675 Update()). Called before SND.UNA moves.
    private SackUpdate UpdateScoreboard(in TcpHeader segment, SeqNumber ack)
    {
        if (!_sackPermitted || segment.Options.SackBlockCount == 0)
        {
            return default;
        }

        SackUpdate update = _scoreboard.Update(segment.Options.SackBlocks, ack, SeqNumber.Max(ack, _sndUna), _sndMax);
        if (update.DuplicateReported)
        {
            Counters.DuplicateSacksReceived++;
        }

        Counters.SackBlocksRejected += update.RejectedBlocks;
        return update;
    }

    // SND.UNA moved: the scoreboard forgets what is acknowledged, and a cumulative ACK that stops where SACKed
    // data begins means the peer reneged (RFC 2018 §8): its SACKs can no longer be trusted, so they go and
    // the holes are found again from scratch (by the RTO if need be) instead of never resending that data.
    private void AdvanceScoreboard()
    {
        _scoreboard.Advance(_sndUna);
        if (_scoreboard.IsReneged(_sndUna))
        {
            Counters.SackRenegings++;
            _scoreboard.Clear();
        }

        // Both pointers stay at or above SND.UNA, so sequence comparisons with them never wrap.
        _highRxt = SeqNumber.Max(_highRxt, _sndUna);
        _deliveredAfterBoundary = SeqNumber.Max(_deliveredAfterBoundary, _sndUna);
    }

    // A duplicate ACK: RFC 6675 §2 (with SACK, one that SACKs new data) or RFC 5681 §2 (without).
    private bool IsDuplicate(in TcpHeader segment, int dataLength, int window, in SackUpdate sack)
    {
        if (_sndMax == _sndUna)
        {
            return false;
        }

        return _sackPermitted && segment.Options.SackBlockCount > 0
            ? sack.NewlySackedBytes > 0
            : IsDuplicateAck(segment, dataLength, window);
    }

    private void OnDuplicateAck(long now)
    {
        Counters.DuplicateAcks++;
        if (_inRecovery)
        {
            if (!_sackRecovery)
            {
                // RFC 6582 §3.2 step 3: each further duplicate ACK means a segment left the network.
                _congestion.SetRecoveryWindow(_congestion.Window + _sndMss);
            }

            return;
        }

        _dupAcks++;

        // RFC 6675 §5 steps 2 and 4, RFC 6582 §3.2 step 2: DupThresh duplicates, or (with SACK) enough SACKed
        // above SND.UNA that IsLost says the first segment is gone; never before the last recovery's point.
        bool lost = _dupAcks >= DuplicateAckThreshold || (_sackPermitted && LostBoundary() > _sndUna);
        if (lost && RecoveryAllowed)
        {
            EnterRecovery(now);
        }
    }

    // A new recovery may begin once the last one's point is acknowledged: RFC 6675 §5 lets it start when
    // HighACK (SND.UNA − 1) reaches RecoveryPoint; RFC 6582 §3.2 step 2 wants the ACK to cover more than recover.
    private bool RecoveryAllowed => _sackPermitted ? _sndUna - 1 >= _recover : _sndUna - 1 > _recover;

    // On an ACK that moved SND.UNA, as Linux's tcp_fastretrans_alert does on every ACK: when the scoreboard
    // or later data's delivery already proves SND.UNA's segment lost, recovery starts now. Waiting for
    // duplicate ACKs could mean waiting for the RTO, since data the peer already SACKed brings none.
    private void StartRecoveryIfLost(long now)
    {
        if (!_inRecovery && _sackPermitted && RecoveryAllowed && LostBoundary() > _sndUna)
        {
            EnterRecovery(now);
        }
    }

    private void EnterRecovery(long now)
    {
        _inRecovery = true;
        _sackRecovery = _sackPermitted;
        _recover = _sndMax - 1;
        _highRxt = _sndUna;
        _dupAcks = 0;
        _tailProbeOutstanding = false;
        _tailProbeAt = Never;
        Counters.FastRecoveries++;
        _congestion.OnCongestionEvent(_sndMax - _sndUna, now);
        if (!_sackRecovery)
        {
            // RFC 6582 §3.2 step 2: cwnd = ssthresh + 3·SMSS, for the three segments that left the network.
            _congestion.SetRecoveryWindow(_congestion.SlowStartThreshold + (DuplicateAckThreshold * _sndMss));
        }

        // RFC 6675 §5 step 4.3 and RFC 6582 step 2: the first unacknowledged segment goes at once.
        _retransmitFirst = true;
    }

    // An ACK advanced SND.UNA by `acked` (SND.UNA already moved).
    private void OnNewAck(SeqNumber ack, int acked, long now)
    {
        _dupAcks = 0;
        if (!_inRecovery)
        {
            _congestion.OnAck(acked, now, _rtt.SmoothedRtt);
            return;
        }

        int flight = _sndMax - _sndUna;
        if (ack - 1 >= _recover)
        {
            // Every byte sent before recovery is acknowledged. RFC 6675 leaves cwnd at ssthresh; RFC 6582 §3.2
            // step 5 option 1 deflates to min(ssthresh, max(FlightSize, SMSS) + SMSS), so no burst follows.
            _inRecovery = false;
            _highRxt = _sndUna;
            _congestion.OnRecoveryEnd(_sackRecovery
                ? _congestion.SlowStartThreshold
                : Math.Min(_congestion.SlowStartThreshold, Math.Max(flight, _sndMss) + _sndMss));
            return;
        }

        if (!_sackRecovery)
        {
            // RFC 6582 §3.2 step 5, partial ACK: deflate by what was acknowledged, add back one SMSS if that was
            // a segment's worth, and send the next hole at once.
            int window = Math.Max(_congestion.Window - acked, _sndMss);
            _congestion.SetRecoveryWindow(acked >= _sndMss ? window + _sndMss : window);
            _retransmitFirst = true;
        }
    }

    // The retransmission timer expired (RFC 6675 §5.1, RFC 6582 step 6): recovery ends, RecoveryPoint moves to
    // the highest number sent, and sending starts again from SND.UNA.
    private void OnTimeoutRecovery(long now)
    {
        _congestion.OnRetransmitTimeout(_sndMax - _sndUna, firstTimeout: _timeouts == 1, now);
        _inRecovery = false;
        _dupAcks = 0;
        _recover = _sndMax - 1;
        _highRxt = _sndUna;
        _tailProbeOutstanding = false;
        _tailProbeDue = false;
        _tailProbeAt = Never;
        _rexmitWatched = false;
        if (_timeouts > 1)
        {
            // The SACKed data is kept after a first timeout (Linux does, so go-back-N skips what arrived); a
            // second timeout of the same segment may mean the peer reneged, so RFC 2018 §8's advice wins.
            _scoreboard.Clear();
        }
    }

    // Go-back-N after a timeout resends only what the peer has not SACKed: SND.NXT hops over SACKed ranges.
    private void SkipSackedData()
    {
        while (_sndNxt < _sndMax && _scoreboard.TryGetSackedRangeEnd(_sndNxt, out SeqNumber end))
        {
            _sndNxt = SeqNumber.Min(end, _sndMax);
        }
    }

    // RFC 6675 IsLost() as a boundary, raised by RACK-style evidence (.TailLossProbe): unSACKed bytes below it are lost.
    private SeqNumber LostBoundary() =>
        SeqNumber.Max(_scoreboard.LostBoundary(_sndUna, _sndMss, DuplicateAckThreshold), _deliveredAfterBoundary);

    /// <summary>
    /// The bytes the congestion window is charged with. Without SACK information the flight, SND.NXT − SND.UNA.
    /// With it, RFC 6675 SetPipe(): unSACKed bytes not presumed lost, plus those retransmitted; after a
    /// timeout everything past SND.NXT is presumed lost, so only the unSACKed resent part counts.
    /// </summary>
    private int InFlight()
    {
        if (!UsingScoreboard)
        {
            return _sndNxt - _sndUna;
        }

        if (_sndNxt < _sndMax)
        {
            return (_sndNxt - _sndUna) - _scoreboard.SackedBetween(_sndUna, _sndNxt);
        }

        SeqNumber from = SeqNumber.Max(LostBoundary(), _sndUna);
        int pipe = (_sndMax - from) - _scoreboard.SackedBetween(from, _sndMax);
        SeqNumber resent = SeqNumber.Min(_highRxt, _sndMax);
        if (resent > _sndUna)
        {
            pipe += (resent - _sndUna) - _scoreboard.SackedBetween(_sndUna, resent);
        }

        return pipe;
    }

    // What may go beyond cwnd: a tail loss probe's segment, and RFC 3042's limited transmit (one new segment
    // on each of the first two duplicate ACKs). With a scoreboard the pipe already leaves out what was SACKed
    // (RFC 6675 §5 step 3), so limited transmit adds nothing then.
    private int AllowanceBeyondCwnd => TailProbeAllowance + LimitedTransmitAllowance;

    private int LimitedTransmitAllowance => !_inRecovery && !UsingScoreboard && _dupAcks is > 0 and < DuplicateAckThreshold
        ? _dupAcks * _sndMss
        : 0;

    /// <summary>
    /// RFC 6675 NextSeg() rules 1 and 3 during SACK recovery: the lowest unSACKed byte not yet retransmitted,
    /// when it is lost (rule 1, ahead of new data) or when SACKed data lies above it (rule 3, only when there
    /// is no new data to send). False when cwnd − pipe has no room for a segment or no hole qualifies.
    /// </summary>
    private bool PlanHoleRetransmission(bool newDataReady, out SeqNumber seq, out SeqNumber end)
    {
        seq = default;
        end = default;
        if (!_inRecovery || !_sackRecovery || _congestion.Window - InFlight() < _sndMss)
        {
            return false;
        }

        SeqNumber candidate = SeqNumber.Max(_highRxt, _sndUna);
        while (candidate < _sndMax && _scoreboard.TryGetSackedRangeEnd(candidate, out SeqNumber sackedEnd))
        {
            candidate = sackedEnd;
        }

        if (candidate >= _sndMax)
        {
            return false;
        }

        bool lost = candidate < LostBoundary();
        bool belowSacked = !_scoreboard.IsEmpty && candidate < _scoreboard.HighestSacked;
        if (!lost && (newDataReady || !belowSacked))
        {
            return false;
        }

        seq = candidate;
        end = _scoreboard.NextSackedStart(candidate, _sndMax);
        return true;
    }
}
