using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Tcp;

/// <summary>
/// The ACK field (RFC 9293 §3.10.7.4 fifth check, RFC 5961 §5): SND.UNA, the send window, RTT samples
/// (RFC 6298, RFC 7323 §4), SACK blocks, and what loss recovery (<c>.Recovery</c>) learns from each.
/// </summary>
public sealed partial class TcpConnection
{
    // False when the segment must be dropped after its ACK was looked at.
    private bool ProcessAck(in TcpHeader segment, int dataLength, long now)
    {
        var ack = new SeqNumber(segment.AcknowledgmentNumber);
        var seq = new SeqNumber(segment.SequenceNumber);
        int window = segment.Window << _sndShift;

        if (State == TcpState.SynReceived)
        {
            // The ACK must cover our SYN and nothing unsent; otherwise <SEQ=SEG.ACK><CTL=RST>.
            if (ack <= _sndUna || ack > _sndMax)
            {
                Drop(TcpDropReason.UnacceptableAck);
                QueueReset(ack, null);
                return false;
            }

            AcknowledgeNewData(segment, ack, now);
            SetSendWindow(window, seq, ack);
            EnterEstablished(now);
            return true;
        }

        // RFC 5961 §5.2: acceptable when SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT (here SND.MAX, the
        // highest number sent); anything else is answered with a challenge ACK and dropped.
        if (ack > _sndMax || ack < _sndUna - _maxSndWnd)
        {
            ChallengeAck(now, TcpDropReason.UnacceptableAck);
            return false;
        }

        SackUpdate sack = UpdateScoreboard(segment, ack);
        bool advanced = ack > _sndUna;
        if (advanced)
        {
            AcknowledgeNewData(segment, ack, now);
        }

        DetectLossByDelivery();
        if (!advanced && IsDuplicate(segment, dataLength, window, sack))
        {
            OnDuplicateAck(now);
        }
        else if (advanced)
        {
            StartRecoveryIfLost(now);
        }

        SkipSackedData();

        // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated", from the newest segment
        // only: SND.WL1 and SND.WL2 keep an old segment from bringing back an old window.
        if (ack >= _sndUna && (_sndWl1 < seq || (_sndWl1 == seq && _sndWl2 <= ack)))
        {
            SetSendWindow(window, seq, ack);
        }

        if (FinAcknowledged)
        {
            switch (State)
            {
                case TcpState.FinWait1:
                    State = TcpState.FinWait2;
                    break;
                case TcpState.Closing:
                    EnterTimeWait(now);
                    break;
                case TcpState.LastAck:
                    EnterClosed(Errno.None);
                    return false;
                default:
                    break;
            }
        }

        return true;
    }

    // RFC 5681 §2: no data, no SYN or FIN, SEG.ACK = SND.UNA, the window unchanged, and data outstanding.
    private bool IsDuplicateAck(in TcpHeader segment, int dataLength, int window) =>
        dataLength == 0
        && (segment.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0
        && window == _sndWnd
        && _sndNxt > _sndUna;

    // SEG.ACK is in (SND.UNA, SND.MAX]: acknowledged bytes leave the send buffer, the RTT is sampled, the
    // retransmission timer restarts or stops (RFC 6298 §5.2, §5.3), and congestion control learns of it.
    private void AcknowledgeNewData(in TcpHeader segment, SeqNumber ack, long now)
    {
        int acked = ack - _sndUna;
        bool synAcknowledged = _sndUna == _iss;
        int dataAcked = SeqNumber.Min(ack, FinSeq) - _sndBufSeq;
        if (dataAcked > 0)
        {
            _sendBuffer.Discard(dataAcked);
            _sndBufSeq += dataAcked;
        }

        _sndUna = ack;
        _sndNxt = SeqNumber.Max(_sndNxt, _sndUna);
        _progressAt = now;
        AdvanceScoreboard();
        SampleRtt(segment, ack, now);
        _rtt.ResetBackoff();
        _timeouts = 0;
        _persistBackoff = 0;
        if (!synAcknowledged)
        {
            OnNewAck(ack, acked, now);
        }

        _retransmitAt = _sndNxt > _sndUna ? now + _rtt.Rto : Never;
        ScheduleTailLossProbe(now);
    }

    // RFC 7323 §4: with timestamps every ACK of new data echoes the TSval of the segment it acknowledges;
    // without, one segment at a time is timed and Karn's rule discards a retransmitted one (RFC 6298 §3).
    private void SampleRtt(in TcpHeader segment, SeqNumber ack, long now)
    {
        if (_timestamps.Enabled && segment.Options.Timestamp is TcpTimestamp { EchoReply: not 0 } timestamp)
        {
            _rtt.Sample(_timestamps.RoundTrip(timestamp.EchoReply, now));
        }
        else if (_rttTiming && ack > _rttSeq)
        {
            _rtt.Sample(now - _rttStart);
        }

        if (ack > _rttSeq)
        {
            _rttTiming = false;
        }
    }

    private void SetSendWindow(int window, SeqNumber seq, SeqNumber ack)
    {
        _sndWnd = window;
        _sndWl1 = seq;
        _sndWl2 = ack;
        _maxSndWnd = Math.Max(_maxSndWnd, window);
    }
}
