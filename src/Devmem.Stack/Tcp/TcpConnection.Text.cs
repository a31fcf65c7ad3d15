using Devmem.Skb;

namespace Devmem.Stack.Tcp;

/// <summary>
/// The receive path (RFC 9293 §3.10.7.4 seventh and eighth steps): in-window data goes to the receiver in
/// order or waits in the out-of-order queue, as the skbs the NIC built, trimmed but never copied; SACK
/// blocks follow the queue (RFC 2018 §4); the FIN is taken once everything before it has arrived.
/// </summary>
public sealed partial class TcpConnection
{
    private void ProcessText(SeqNumber seq, ref SkBuff? payload, bool fin, long now)
    {
        int dataLength = payload?.Length ?? 0;
        SeqNumber finSeq = seq + dataLength;
        if (State is not (TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2))
        {
            // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer's FIN has come; nothing after it is taken.
            if (dataLength > 0)
            {
                Drop(TcpDropReason.DataAfterFin);
                _acks.AckNow();
            }

            return;
        }

        // "Segments with higher beginning sequence numbers may be held for later processing", but only what
        // lies inside the window: the part already received is cut off the front, the part past the right
        // edge off the back (and a FIN out there goes with it).
        SeqNumber right = _rcvNxt + _window.Size(_rcvNxt);
        if (payload is not null && seq < _rcvNxt)
        {
            payload.TrimFront(Math.Min(_rcvNxt - seq, payload.Length));
        }

        if (payload is not null && new SeqNumber(payload.EndSeq) > right)
        {
            payload.TrimBack(Math.Max(right - new SeqNumber(payload.Seq), 0));
            Drop(TcpDropReason.OutOfWindow);
            _acks.AckNow();
            fin = false;
        }

        if (payload is not null && payload.Length == 0)
        {
            payload.Free();
            payload = null;
        }

        if (payload is not null)
        {
            SkBuff skb = payload;
            payload = null;
            if (new SeqNumber(skb.Seq) == _rcvNxt)
            {
                DeliverInOrder(skb, now);
            }
            else
            {
                QueueOutOfOrder(skb);
            }
        }

        // A FIN takes no buffer space: in order, it is taken even at the window's edge (as Linux does, so
        // that a zero window does not hold up the end of the stream); beyond a gap it waits for RCV.NXT.
        if (fin)
        {
            if (finSeq == _rcvNxt)
            {
                ReceiveFin(now);
            }
            else if (finSeq > _rcvNxt && finSeq < right)
            {
                _peerFinPending = true;
                _peerFinSeq = finSeq;
                _acks.AckNow();
            }
        }
    }

    // The skb starts at RCV.NXT: it and whatever out-of-order data it makes contiguous go to the receiver.
    private void DeliverInOrder(SkBuff skb, long now)
    {
        bool gapFilled = _outOfOrder.Count > 0;
        int bytes = skb.Length;
        _rcvNxt = new SeqNumber(skb.EndSeq);
        _receiver.Enqueue(skb);
        while (_outOfOrder.TakeNext(_rcvNxt) is SkBuff next)
        {
            bytes += next.Length;
            _rcvNxt = new SeqNumber(next.EndSeq);
            _receiver.Enqueue(next);
        }

        _sackReport.Advance(_rcvNxt);
        TuneReceiveBuffer(now);

        // RFC 5681 §4.2: data that fills a gap is acknowledged at once, so the sender learns of it quickly.
        _acks.OnData(bytes, _options.Mss - (_timestamps.Enabled ? 12 : 0), gapFilled, now);
        if (_peerFinPending && _peerFinSeq == _rcvNxt)
        {
            ReceiveFin(now);
        }
    }

    // The skb starts beyond a gap. RFC 5681 §4.2: an out-of-order segment is answered at once with a
    // duplicate ACK, whose SACK blocks say what did arrive.
    private void QueueOutOfOrder(SkBuff skb)
    {
        // The cap keeps one MSS of the buffer for the segment that fills the gap (as gVisor and Linux do).
        TcpDropReason refused = _outOfOrder.Insert(skb, _window.BufferSize - _options.Mss);
        if (refused != TcpDropReason.None)
        {
            Drop(refused);
        }
        else if (_sackPermitted)
        {
            _sackReport.Report(_outOfOrder.BlockContaining(new SeqNumber(skb.Seq))!.Value);
        }

        _acks.AckNow();
    }

    // RFC 9293 §3.10.7.4 eighth step: the FIN is in order.
    private void ReceiveFin(long now)
    {
        _rcvNxt += 1;
        _peerFinPending = false;
        _receiver.SetEndOfStream();
        _acks.AckNow();
        switch (State)
        {
            case TcpState.Established:
                State = TcpState.CloseWait;
                break;
            case TcpState.FinWait1:
                // Our FIN is not yet acknowledged (or the ACK check would have moved us to FIN-WAIT-2).
                State = TcpState.Closing;
                break;
            case TcpState.FinWait2:
                EnterTimeWait(now);
                break;
            default:
                break;
        }
    }
}
