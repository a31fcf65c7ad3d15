using Devmem.Skb;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Tcp;

/// <summary>Segment arrival: RFC 9293 §3.10.7 state by state, with RFC 5961's defences and RFC 7323's PAWS.</summary>
public sealed partial class TcpConnection
{
    /// <summary>Linux's tcp_min_snd_mss: a peer announcing a smaller MSS cannot make us send tiny segments.</summary>
    private const int MinSendMss = 48;

    /// <summary>
    /// SEGMENT ARRIVES (RFC 9293 §3.10.7). <paramref name="segment"/> is the parsed header (checksum and
    /// option syntax already checked by the layers below); <paramref name="payload"/> the segment's data as
    /// the NIC built it, or null when there is none. The connection owns the skb from here on: it queues it
    /// (whole or trimmed) or frees it. Never throws for anything a peer can send: every refusal is counted
    /// in <see cref="Counters"/> by reason, and any reply goes out with the next <see cref="TryDispatch"/>.
    /// </summary>
    public void Process(in TcpHeader segment, SkBuff? payload, long now)
    {
        // A GRO aggregate or a GSO frame counts the wire segments it stands for, as tcp_v4_rcv adds gso_segs to InSegs.
        Counters.SegmentsReceived += Math.Max(1, payload?.GsoSegments ?? 0);
        if (payload is not null)
        {
            // The first data octet follows the SYN's sequence number when SYN is set (RFC 9293 §3.4).
            payload.Seq = unchecked(segment.SequenceNumber + ((segment.Flags & TcpFlags.Syn) != 0 ? 1u : 0u));
            if (payload.Length == 0)
            {
                payload.Free();
                payload = null;
            }
        }

        switch (State)
        {
            case TcpState.Closed:
                OnSegmentWhenClosed(segment, payload?.Length ?? 0);
                break;
            case TcpState.SynSent:
                OnSegmentInSynSent(segment, ref payload, now);
                break;
            default:
                OnSegmentSynchronized(segment, ref payload, now);
                break;
        }

        payload?.Free();
        UpdatePersistTimer(now);
    }

    // RFC 9293 §3.10.7.1: data is discarded; anything but an RST is answered with one.
    private void OnSegmentWhenClosed(in TcpHeader segment, int dataLength)
    {
        Drop(TcpDropReason.NoConnection);
        if (TcpReset.TryReplyToClosed(segment, dataLength, out TcpHeader reset))
        {
            QueueReset(new SeqNumber(reset.SequenceNumber), (reset.Flags & TcpFlags.Ack) != 0 ? new SeqNumber(reset.AcknowledgmentNumber) : null);
        }
    }

    // RFC 9293 §3.10.7.3.
    private void OnSegmentInSynSent(in TcpHeader segment, ref SkBuff? payload, long now)
    {
        TcpFlags flags = segment.Flags;
        bool rst = (flags & TcpFlags.Rst) != 0;
        bool hasAck = (flags & TcpFlags.Ack) != 0;
        var ack = new SeqNumber(segment.AcknowledgmentNumber);

        // First: the ACK must acknowledge our SYN and nothing beyond it, else the segment is from another
        // incarnation: an RST tells its sender so (none in reply to an RST).
        if (hasAck && (ack <= _iss || ack > _sndMax))
        {
            Drop(TcpDropReason.UnacceptableAck);
            if (!rst)
            {
                QueueReset(ack, null);
            }

            return;
        }

        // Second: an RST counts only with an acceptable ACK (RFC 5961 §3.2 for SYN-SENT).
        if (rst)
        {
            if (hasAck)
            {
                EnterClosed(Errno.ECONNREFUSED);
            }
            else
            {
                Drop(TcpDropReason.RstIgnored);
            }

            return;
        }

        if ((flags & TcpFlags.Syn) == 0)
        {
            Drop(TcpDropReason.UnexpectedSegment);
            return;
        }

        // Fourth: the peer's SYN.
        ReceiveSyn(segment, now);
        if (payload is not null || (flags & TcpFlags.Fin) != 0)
        {
            // Not queued: the peer sends it again once our ACK tells it the data was not taken.
            Drop(TcpDropReason.SynPayload);
        }

        if (hasAck)
        {
            var seq = new SeqNumber(segment.SequenceNumber);
            AcknowledgeNewData(segment, ack, now);
            SetSendWindow(segment.Window, seq, ack);
            EnterEstablished(now);
            _acks.AckNow();
        }
        else
        {
            // Simultaneous open: our SYN goes out again, now carrying the ACK, as a SYN-ACK <SEQ=ISS>.
            State = TcpState.SynReceived;
            _sndNxt = _iss;
        }
    }

    // RFC 9293 §3.10.7.4, the synchronized states and SYN-RECEIVED.
    private void OnSegmentSynchronized(in TcpHeader segment, ref SkBuff? payload, long now)
    {
        TcpFlags flags = segment.Flags;
        bool rst = (flags & TcpFlags.Rst) != 0;
        bool syn = (flags & TcpFlags.Syn) != 0;
        bool fin = (flags & TcpFlags.Fin) != 0;
        var seq = new SeqNumber(segment.SequenceNumber);
        int dataLength = payload?.Length ?? 0;
        int length = dataLength + (syn ? 1 : 0) + (fin ? 1 : 0);

        // RFC 7323 §3.2: once negotiated, every segment but an RST carries timestamps; §5.3 R1: PAWS.
        uint tsVal = 0;
        if (_timestamps.Enabled && !rst)
        {
            if (segment.Options.Timestamp is not TcpTimestamp timestamp)
            {
                Drop(TcpDropReason.MissingTimestamp);
                return;
            }

            tsVal = timestamp.Value;
            if (_timestamps.IsOld(tsVal, now))
            {
                Drop(TcpDropReason.PawsRejected);
                _acks.AckNow();
                return;
            }
        }

        if (State == TcpState.SynReceived && syn && !rst && (flags & TcpFlags.Ack) == 0 && seq == _irs)
        {
            // The peer's SYN again: our SYN-ACK was lost. Answer with the SYN-ACK now rather than wait for
            // our retransmission timer (Linux's tcp_check_req does the same).
            _sndNxt = _iss;
            return;
        }

        // First: the sequence number test.
        int window = _window.Size(_rcvNxt);
        bool textRefused = false;
        if (!IsAcceptable(seq, length, window))
        {
            if (window == 0 && seq == _rcvNxt && !rst)
            {
                // "If the RCV.WND is zero, no segments will be acceptable, but special allowance should be
                // made to accept valid ACKs, URGs, and RSTs": the ACK field still counts, the text does not.
                // A FIN alone needs no buffer and is taken (see ProcessText).
                textRefused = dataLength > 0;
            }
            else if (rst)
            {
                Drop(TcpDropReason.RstIgnored);
                return;
            }
            else
            {
                bool duplicate = seq + length <= _rcvNxt;
                Drop(duplicate ? TcpDropReason.OldDuplicate : TcpDropReason.OutOfWindow);
                if (duplicate && dataLength > 0 && _sackPermitted)
                {
                    Counters.DuplicateSacksSent++;
                    _sackReport.ReportDuplicate(seq, seq + dataLength);
                }

                _acks.AckNow();
                if (State == TcpState.TimeWait && fin)
                {
                    // "The only thing that can arrive in this state is a retransmission of the remote FIN.
                    // Acknowledge it, and restart the 2 MSL timeout."
                    _timeWaitAt = now + Micros(_options.TimeWaitDuration);
                }

                return;
            }
        }

        // Second: RST. RFC 5961 §3.2: only an RST at exactly RCV.NXT resets; one elsewhere in the window is
        // answered with a challenge ACK, so that a blind attacker must guess the exact number.
        if (rst)
        {
            if (seq == _rcvNxt)
            {
                ResetByPeer();
            }
            else
            {
                ChallengeAck(now, TcpDropReason.RstInWindow);
            }

            return;
        }

        // Fourth: SYN. RFC 5961 §4: whatever its sequence number, a challenge ACK; a peer that really
        // restarted answers it with an RST at RCV.NXT.
        if (syn)
        {
            ChallengeAck(now, TcpDropReason.SynInWindow);
            return;
        }

        // Fifth: ACK.
        if ((flags & TcpFlags.Ack) == 0)
        {
            Drop(TcpDropReason.NoAck);
            return;
        }

        if (!ProcessAck(segment, dataLength, now))
        {
            return;
        }

        NoteActivity(now);
        if (_timestamps.Enabled)
        {
            _timestamps.Update(tsVal, seq, now);
            if (dataLength > 0 && segment.Options.Timestamp is TcpTimestamp { EchoReply: not 0 } echoed)
            {
                SampleReceiverRtt(_timestamps.RoundTrip(echoed.EchoReply, now));
            }
        }

        // Seventh and eighth: the text, then FIN.
        if (textRefused)
        {
            if (length > 0)
            {
                Drop(TcpDropReason.OutOfWindow);
            }

            _acks.AckNow();
            return;
        }

        ProcessText(seq, ref payload, fin, now);
    }

    // RFC 9293 §3.10.7.4, the four cases of the acceptance test.
    private bool IsAcceptable(SeqNumber seq, int length, int window)
    {
        SeqNumber end = _rcvNxt + window;
        if (length == 0)
        {
            return window == 0 ? seq == _rcvNxt : seq.IsInRange(_rcvNxt, end);
        }

        return window != 0 && (seq.IsInRange(_rcvNxt, end) || (seq + (length - 1)).IsInRange(_rcvNxt, end));
    }

    // The peer's SYN: IRS, RCV.NXT and the options both SYNs had to agree on (RFC 9293 §3.7.1, RFC 7323 §2.2
    // and §3.2, RFC 2018 §2). An option counts only when we offered it too.
    private void ReceiveSyn(in TcpHeader syn, long now)
    {
        _irs = new SeqNumber(syn.SequenceNumber);
        _rcvNxt = _irs + 1;
        _receiver.SetInitialSequence(_rcvNxt.Value);

        TcpOptions options = syn.Options;
        _sndMss = Math.Clamp(options.Mss ?? _options.DefaultSendMss, MinSendMss, _options.Mss);
        _windowScaling = _options.WindowScaling && options.WindowScale is not null;
        _sndShift = _windowScaling ? options.EffectiveWindowScale!.Value : 0;
        _sackPermitted = _options.SackPermitted && options.SackPermitted;
        if (_options.Timestamps && options.Timestamp is TcpTimestamp timestamp)
        {
            _timestamps.Enable();
            _timestamps.SetRecent(timestamp.Value, now);
        }

        _window.Configure(_windowScaling ? TcpWindowScale.ShiftFor(_options.MaxReceiveBufferSize) : 0, _options.Mss);
        _window.Start(_rcvNxt);
        _acks.StartQuickAcks(Math.Min(_options.QuickAcks, _options.ReceiveBufferSize / (2 * _options.Mss)));
    }

    // The handshake is complete (RFC 9293 §3.10.7.3 and §3.10.7.4 fifth check).
    private void EnterEstablished(long now)
    {
        State = _finQueued ? TcpState.FinWait1 : TcpState.Established;
        if (_synRetransmitted)
        {
            _rtt.OnSynTimedOut();
        }

        _rtt.ResetBackoff();
        _timeouts = 0;
        _congestion.Reset(SegmentPayload);
        _recover = _iss;
        NoteActivity(now);
    }

    // RFC 9293 §3.10.7.4 second check, by state.
    private void ResetByPeer()
    {
        switch (State)
        {
            case TcpState.SynReceived:
                // Passive: the listener forgets the attempt ("return to LISTEN"); active: refused.
                EnterClosed(_activeOpen ? Errno.ECONNREFUSED : Errno.ECONNRESET);
                break;
            case TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2 or TcpState.CloseWait:
                EnterClosed(Errno.ECONNRESET);
                break;
            default:
                EnterClosed(Errno.None);
                break;
        }
    }

    // RFC 5961 §3.2, §4 and §5: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, at most so many per second (§7).
    private void ChallengeAck(long now, TcpDropReason reason)
    {
        Drop(reason);
        if (_challengeAcks.TryAcquire(now))
        {
            Counters.ChallengeAcks++;
            _acks.AckNow();
        }
        else
        {
            Drop(TcpDropReason.ChallengeAckRateLimited);
        }
    }
}
