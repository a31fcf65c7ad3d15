using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// What we send, one segment per call: a pending RST, our SYN, a retransmission, new data and FIN
/// (segmented by MSS, within the send and congestion windows, Nagle and sender SWS avoidance), probes, and
/// ACKs when the ACK policy or a window update asks for one.
/// </summary>
public sealed partial class TcpConnection
{
    private int _dispatchOffset;
    private int _dispatchLength;

    /// <summary>
    /// Produces the next segment to send, if any is due at <paramref name="now"/>, with its payload copied into
    /// <paramref name="payloadBuffer"/> (a segment carries at most the send MSS less options, and at most the
    /// buffer's length). Call until it returns false; then call <see cref="PollAt"/> for the next deadline.
    /// Expired timers are run first.
    /// </summary>
    /// <param name="now">Microseconds on the driver's monotonic clock.</param>
    /// <param name="payloadBuffer">Where the segment's payload goes.</param>
    /// <param name="header">The header to emit (checksum left to the IP layer).</param>
    /// <param name="payloadLength">Payload bytes written to <paramref name="payloadBuffer"/>.</param>
    public bool TryDispatch(long now, Span<byte> payloadBuffer, out TcpHeader header, out int payloadLength)
    {
        if (!TryDispatchInPlace(now, payloadBuffer.Length, out header, out payloadLength))
        {
            return false;
        }

        CopyDispatchedPayload(payloadBuffer[..payloadLength]);
        return true;
    }

    /// <summary>
    /// As <see cref="TryDispatch"/>, without copying the payload: the
    /// driver copies it with <see cref="CopyDispatchedPayload(Span{byte})"/> straight into the frame it is building,
    /// before the next call, so the bytes go from the send buffer to the wire in one copy.
    /// </summary>
    /// <param name="now">Microseconds on the driver's monotonic clock.</param>
    /// <param name="maxPayload">The most payload the segment may carry (the room in the frame).</param>
    /// <param name="header">The header to emit (checksum left to the IP layer).</param>
    /// <param name="payloadLength">Payload bytes the segment carries.</param>
    public bool TryDispatchInPlace(long now, int maxPayload, out TcpHeader header, out int payloadLength) =>
        TryDispatchInPlace(now, maxPayload, gsoMaxPayload: 0, out header, out payloadLength, out _);

    /// <summary>
    /// As <see cref="TryDispatchInPlace(long, int, out TcpHeader, out int)"/>, with generic segmentation offload
    /// (Linux GSO): new data may go out as one segment of several full segments' payload, up to
    /// <paramref name="gsoMaxPayload"/>, which the driver cuts into segments of <paramref name="gsoSize"/> payload
    /// bytes before they reach the wire (each with its own sequence number and checksum, PSH and FIN only on the
    /// last). TCP then runs once per burst instead of once per segment; what goes on the wire is what it would
    /// have sent one segment at a time, since only full segments are bundled and a short tail only when Nagle
    /// would let it go at once.
    /// </summary>
    /// <param name="now">Microseconds on the driver's monotonic clock.</param>
    /// <param name="maxPayload">The most payload one wire segment may carry (the room in the frame).</param>
    /// <param name="gsoMaxPayload">The most payload a GSO segment may carry; no larger than <paramref name="maxPayload"/> turns GSO off.</param>
    /// <param name="header">The header to emit (the first wire segment's, with the last one's PSH and FIN).</param>
    /// <param name="payloadLength">Payload bytes the segment carries; more than <paramref name="gsoSize"/> only for a GSO segment.</param>
    /// <param name="gsoSize">Payload bytes per wire segment.</param>
    public bool TryDispatchInPlace(long now, int maxPayload, int gsoMaxPayload, out TcpHeader header, out int payloadLength, out int gsoSize)
    {
        SetDispatchedPayload(0, 0);
        payloadLength = 0;
        gsoSize = int.MaxValue;
        RunTimers(now);
        if (_resetPending)
        {
            _resetPending = false;
            Counters.SegmentsSent++;
            header = TcpReset.Create(LocalPort, RemotePort, _resetSeq, _resetAck);
            return true;
        }

        if (TrySendSyn(now, out header))
        {
            return true;
        }

        if (CanSendData)
        {
            if (_retransmitFirst && TryRetransmitFirst(now, maxPayload, out header, out payloadLength))
            {
                return true;
            }

            if (_tailProbeDue && TrySendTailProbe(now, maxPayload, out header, out payloadLength))
            {
                return true;
            }

            // RFC 6675 NextSeg(): a lost hole before new data, new data before a hole that is merely below SACKed data.
            bool newData = PlanData(MaxPayload(now, maxPayload), _probeDue, out _, out _, out _);
            if (PlanHoleRetransmission(newData, out SeqNumber holeSeq, out SeqNumber holeEnd)
                && TryRetransmit(holeSeq, holeEnd, now, maxPayload, out header, out payloadLength))
            {
                return true;
            }

            if (TrySendData(now, maxPayload, gsoMaxPayload, out header, out payloadLength, out gsoSize))
            {
                return true;
            }
        }

        if (_keepaliveDue)
        {
            // RFC 9293 §3.8.4: <SEQ=SND.NXT-1> with no data; the peer answers with an ACK.
            _keepaliveDue = false;
            Counters.KeepaliveProbes++;
            header = BuildHeader(_sndNxt - 1, TcpFlags.Ack, SegmentOptions(now));
            return true;
        }

        bool ackDue = CanSendAck && _acks.IsDue(now);
        if (ackDue || WindowUpdateDue)
        {
            if (!ackDue)
            {
                Counters.WindowUpdates++;
            }

            header = BuildHeader(_sndNxt, TcpFlags.Ack, SegmentOptions(now));
            return true;
        }

        UpdatePersistTimer(now);
        UpdateCorkTimer(now);
        header = default;
        return false;
    }

    // Data and FIN may go out (or out again): past the handshake, until our FIN is acknowledged.
    private bool CanSendData => State is TcpState.Established or TcpState.CloseWait or TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck;

    // We have an RCV.NXT to acknowledge.
    private bool CanSendAck => State >= TcpState.SynReceived;

    // The application freed enough space to move the right edge by the SWS threshold, while the peer may
    // still send (before its FIN).
    private bool WindowUpdateDue =>
        State is TcpState.SynReceived or TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2
        && _window.UpdateDue(_rcvNxt, ReceiveBufferUsed);

    // Our SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED), first sent or sent again after SND.NXT went back to ISS.
    private bool TrySendSyn(long now, out TcpHeader header)
    {
        if (State is not (TcpState.SynSent or TcpState.SynReceived) || _sndNxt != _iss)
        {
            header = default;
            return false;
        }

        bool synAck = State == TcpState.SynReceived;
        bool retransmission = _sndMax != _iss;
        var options = new TcpOptions
        {
            Mss = (ushort)_options.Mss,

            // RFC 7323 §2.2 and §3.2, RFC 2018 §2: offered in a SYN as configured; in a SYN-ACK only when the SYN offered it too.
            // The scale must cover the largest window auto-tuning may reach: it is fixed by the handshake.
            WindowScale = (synAck ? _windowScaling : _options.WindowScaling) ? (byte)TcpWindowScale.ShiftFor(_options.MaxReceiveBufferSize) : null,
            SackPermitted = synAck ? _sackPermitted : _options.SackPermitted,
            Timestamp = (synAck ? _timestamps.Enabled : _options.Timestamps)
                ? new TcpTimestamp(_timestamps.Value(now), synAck ? _timestamps.Recent : 0)
                : null,
        };

        ushort window = (ushort)Math.Min(_options.ReceiveBufferSize, ushort.MaxValue);
        if (synAck)
        {
            window = _window.Advertise(_rcvNxt, ReceiveBufferUsed, syn: true);
            _timestamps.LastAckSent = _rcvNxt;
            _acks.OnAckSent();
        }

        header = new TcpHeader
        {
            SourcePort = LocalPort,
            DestinationPort = RemotePort,
            SequenceNumber = _iss.Value,
            AcknowledgmentNumber = synAck ? _rcvNxt.Value : 0,
            Flags = synAck ? TcpFlags.Syn | TcpFlags.Ack : TcpFlags.Syn,
            Window = window,
            Options = options,
        };

        _sndNxt = _iss + 1;
        _sndMax = SeqNumber.Max(_sndMax, _sndNxt);
        OnSequenceSent(_iss, retransmission, timed: true, now);
        Counters.SegmentsSent++;
        return true;
    }

    // The first unacknowledged segment again, on entering recovery (RFC 6675 §5 step 4.3, RFC 6582 §3.2
    // step 2) or after a NewReno partial ACK (step 5), without moving SND.NXT.
    private bool TryRetransmitFirst(long now, int maxPayload, out TcpHeader header, out int length)
    {
        _retransmitFirst = false;
        return TryRetransmit(_sndUna, _scoreboard.NextSackedStart(_sndUna, _sndMax), now, maxPayload, out header, out length);
    }

    // Fast retransmission of [seq, end) (at most a segment of it), FIN included if it ends there. Moves
    // HighRxt, never SND.NXT.
    private bool TryRetransmit(SeqNumber seq, SeqNumber end, long now, int maxPayload, out TcpHeader header, out int length)
    {
        TcpOptions options = SegmentOptions(now);
        int offset = seq - _sndBufSeq;
        length = Math.Min(Math.Min(end - seq, _sendBuffer.Length - offset), Math.Min(_sndMss - options.EncodedLength, maxPayload));
        bool fin = _finQueued && _sndMax > FinSeq && seq + Math.Max(length, 0) == FinSeq;
        if (offset < 0 || (length <= 0 && !fin))
        {
            header = default;
            length = 0;
            return false;
        }

        length = Math.Max(length, 0);
        SetDispatchedPayload(offset, length);
        header = BuildHeader(seq, fin ? TcpFlags.Ack | TcpFlags.Fin : TcpFlags.Ack, options);
        Counters.FastRetransmissions++;
        _highRxt = SeqNumber.Max(_highRxt, seq + length + (fin ? 1 : 0));
        WatchRetransmission(seq);
        OnSequenceSent(seq, retransmission: true, timed: false, now);
        return true;
    }

    // The most payload the next segment may carry: the send MSS less options, and the caller's room.
    private int MaxPayload(long now, int maxPayload) => Math.Min(_sndMss - SegmentOptions(now).EncodedLength, maxPayload);

    // New data (or data again after a timeout pulled SND.NXT back) and FIN, from SND.NXT; several full
    // segments at once when gsoMaxPayload allows (PlanGsoLength).
    private bool TrySendData(long now, int maxPayload, int gsoMaxPayload, out TcpHeader header, out int length, out int gsoSize)
    {
        TcpOptions options = SegmentOptions(now);
        gsoSize = MaxPayload(now, maxPayload);
        if (!PlanData(gsoSize, _probeDue, out length, out bool fin, out bool windowProbe))
        {
            header = default;
            length = 0;
            return false;
        }

        if (length == gsoSize && !fin && !windowProbe && gsoMaxPayload >= 2 * gsoSize)
        {
            length = PlanGsoLength(gsoSize, gsoMaxPayload, out fin);
        }

        SeqNumber seq = _sndNxt;
        int offset = seq - _sndBufSeq;
        SetDispatchedPayload(offset, length);

        // PSH on the segment that empties what the application wrote, as Linux marks the end of a write.
        TcpFlags flags = TcpFlags.Ack;
        if (fin)
        {
            flags |= TcpFlags.Fin;
        }

        if (length > 0 && offset + length == _sendBuffer.Length)
        {
            flags |= TcpFlags.Psh;

            // The ceiling let this partial segment go; the cork holds the next one again.
            _corkExpired = false;
        }

        header = BuildHeader(seq, flags, options);
        _probeDue = false;
        if (windowProbe)
        {
            // RFC 9293 §3.8.6.1: one octet beyond a zero window. SND.NXT stays, so the octet is sent again
            // as data once the window opens; SND.MAX covers it, so an ACK that takes it is acceptable.
            Counters.WindowProbes++;
            _sndMax = SeqNumber.Max(_sndMax, seq + 1);
            return true;
        }

        // OutSegs counts what goes on the wire: every segment a GSO segment is cut into.
        Counters.SegmentsSent += (length - 1) / gsoSize;
        bool retransmission = seq < _sndMax;
        _sndNxt = seq + length + (fin ? 1 : 0);
        _sndMax = SeqNumber.Max(_sndMax, _sndNxt);
        OnSequenceSent(seq, retransmission, timed: length > 0, now);
        SkipSackedData();
        return true;
    }

    /// <summary>
    /// What the next segment from SND.NXT would carry: <paramref name="length"/> data bytes and maybe FIN.
    /// Limited by the data not yet sent, the peer's window, cwnd (plus limited transmit's allowance) less
    /// what is in flight (RFC 6675's pipe when SACK information exists), and
    /// <paramref name="maxPayload"/>; a short segment must also pass Nagle (RFC 9293 §3.7.4) and sender SWS
    /// avoidance (§3.8.6.2.1) unless <paramref name="probe"/> (the persist timer fired: its override).
    /// </summary>
    private bool PlanData(int maxPayload, bool probe, out int length, out bool fin, out bool windowProbe)
    {
        int offset = _sndNxt - _sndBufSeq;
        int unsent = _sendBuffer.Length - offset;
        bool finUnsent = _finQueued && _sndNxt <= FinSeq;
        length = 0;
        fin = false;
        windowProbe = false;
        if (unsent <= 0 && !finUnsent)
        {
            return false;
        }

        unsent = Math.Max(unsent, 0);
        int usable = UsableWindow();
        length = Math.Max(0, Math.Min(unsent, Math.Min(usable, maxPayload)));
        if (probe && length == 0 && unsent > 0)
        {
            length = 1;
            windowProbe = true;
            return true;
        }

        // FIN takes no window space (RFC 9293 §3.8.6.1 counts only data against it).
        fin = finUnsent && length == unsent;
        if (length == 0 && !fin)
        {
            return false;
        }

        if (length < maxPayload && !fin && !probe)
        {
            // A short segment goes when nothing is outstanding (or with NoDelay), and only if it empties the
            // buffer or fills at least half the largest window the peer has offered.
            bool idle = (_sndNxt == _sndUna || NoDelay) && !CorkHolds;
            if (!idle || (length != unsent && length < _maxSndWnd / 2))
            {
                length = 0;
                return false;
            }
        }

        return true;
    }

    // What may be sent from SND.NXT now: the peer's window, cwnd (plus limited transmit's allowance) less what
    // is in flight, and, going back after a timeout, up to where SACKed data begins (SkipSackedData hops over it).
    private int UsableWindow()
    {
        int usable = Math.Min(_sndUna + _sndWnd - _sndNxt, _congestion.Window + AllowanceBeyondCwnd - InFlight());
        if (_sndNxt < _sndMax && UsingScoreboard)
        {
            usable = Math.Min(usable, _scoreboard.NextSackedStart(_sndNxt, _sndMax) - _sndNxt);
        }

        return usable;
    }

    // A GSO segment from SND.NXT, whose first full segment PlanData allowed: as many further full segments as
    // the data, the windows and gsoMaxPayload allow (Linux tcp_tso_autosize, tcp_mss_split_point). A short tail
    // joins only when it ends the data and Nagle would let it go right behind them (NODELAY, not corked); else
    // PlanData decides on it as it would have after the full segments. FIN rides on a segment that ends the data.
    private int PlanGsoLength(int segment, int gsoMaxPayload, out bool fin)
    {
        int unsent = _sendBuffer.Length - (_sndNxt - _sndBufSeq);
        int length = Math.Min(unsent, Math.Min(UsableWindow(), gsoMaxPayload / segment * segment));
        if (length != unsent || !NoDelay || CorkHolds)
        {
            length -= length % segment;
        }

        fin = _finQueued && _sndNxt <= FinSeq && length == unsent;
        return length;
    }

    // Bookkeeping for a segment that consumed sequence space from `seq`: RTT timing of new data only
    // (Karn), and RFC 6298 §5.1: the retransmission timer starts if it is not running.
    private void OnSequenceSent(SeqNumber seq, bool retransmission, bool timed, long now)
    {
        if (retransmission)
        {
            Counters.Retransmissions++;
            _rttTiming = false;
        }
        else if (timed && !_rttTiming)
        {
            _rttTiming = true;
            _rttSeq = seq;
            _rttStart = now;
        }

        if (_retransmitAt == Never)
        {
            _retransmitAt = now + _rtt.Rto;
        }

        if (!retransmission && seq == _sndUna)
        {
            // A new flight: its age, for the user timeout, counts from here.
            _progressAt = now;
        }

        if (!retransmission)
        {
            ScheduleTailLossProbe(now);
        }

        _persistAt = Never;
    }

    // Options on every segment after the handshake: timestamps when negotiated, SACK blocks while data is
    // waiting out of order or a D-SACK is due (as many as fit, TcpOptions.EmittedSackBlockCount).
    private TcpOptions SegmentOptions(long now)
    {
        TcpOptions options = _timestamps.Enabled
            ? new TcpOptions { Timestamp = new TcpTimestamp(_timestamps.Value(now), _timestamps.Recent) }
            : default;
        ReadOnlySpan<TcpSackBlock> blocks = _sackPermitted ? _sackReport.ToSend : [];
        return blocks.IsEmpty ? options : options.WithSackBlocks(blocks);
    }

    // A non-SYN segment: the current window, and RCV.NXT in the ACK field (which satisfies the ACK policy).
    private TcpHeader BuildHeader(SeqNumber seq, TcpFlags flags, in TcpOptions options)
    {
        bool ack = (flags & TcpFlags.Ack) != 0;
        ushort window = _window.Advertise(_rcvNxt, ReceiveBufferUsed, syn: false);
        if (ack)
        {
            _timestamps.LastAckSent = _rcvNxt;
            _acks.OnAckSent();
            _sackReport.OnSent();
        }

        Counters.SegmentsSent++;
        return new TcpHeader
        {
            SourcePort = LocalPort,
            DestinationPort = RemotePort,
            SequenceNumber = seq.Value,
            AcknowledgmentNumber = ack ? _rcvNxt.Value : 0,
            Flags = flags,
            Window = window,
            Options = options,
        };
    }

    /// <summary>Copies the payload of the segment the last <see cref="TryDispatchInPlace(long, int, out TcpHeader, out int)"/> produced.</summary>
    /// <exception cref="ArgumentException">The destination is not exactly the payload's length.</exception>
    public void CopyDispatchedPayload(Span<byte> destination)
    {
        if (destination.Length != _dispatchLength)
        {
            throw new ArgumentException($"the dispatched segment carries {_dispatchLength} payload bytes, not {destination.Length}", nameof(destination));
        }

        CopyDispatchedPayload(0, destination);
    }

    /// <summary>
    /// Copies the dispatched payload from <paramref name="offset"/> on, as much as <paramref name="destination"/>
    /// holds (one wire segment's piece of a GSO segment), and returns the Internet checksum's partial sum of the
    /// bytes, taken in the same pass.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The piece does not lie within the dispatched payload.</exception>
    public uint CopyDispatchedPayload(int offset, Span<byte> destination)
    {
        if ((uint)offset > (uint)_dispatchLength || destination.Length > _dispatchLength - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"bytes [{offset}, {offset + destination.Length}) are not within the dispatched segment's {_dispatchLength}");
        }

        return destination.IsEmpty ? 0 : _sendBuffer.CopyAndAccumulate(_dispatchOffset + offset, destination);
    }

    // Where the dispatched segment's payload lies in the send buffer, until the driver copies it.
    private void SetDispatchedPayload(int offset, int length)
    {
        _dispatchOffset = offset;
        _dispatchLength = length;
    }

    private void QueueReset(SeqNumber seq, SeqNumber? ack)
    {
        _resetPending = true;
        _resetSeq = seq;
        _resetAck = ack;
    }
}
