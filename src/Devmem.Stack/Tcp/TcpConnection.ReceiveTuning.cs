namespace Devmem.Stack.Tcp;

/// <summary>
/// Receive-buffer auto-tuning, Linux's dynamic right-sizing (<c>tcp_rcv_space_adjust</c>): once per round
/// trip, the bytes the application took during it are what the flow moves per RTT; the buffer grows to
/// twice that (plus room for a burst) so the window never limits it, up to
/// <see cref="TcpConnectionOptions.MaxReceiveBufferSize"/>. Counting what the application took, not what
/// arrived, keeps a slow or stalled reader from being handed more device memory. It only grows: a window
/// once offered is not taken back.
/// </summary>
public sealed partial class TcpConnection
{
    // Linux measures at least every TCP_RTO_MIN-ish interval; our floor is the timestamp clock's tick.
    private const long MinTuningInterval = 1_000;

    // The receiver's RTT estimate from echoed timestamps (microseconds, millisecond resolution), 0 before one.
    private long _receiverRtt;

    // Bytes the application took count from here (in sequence space), over the interval that began at _tuningSince.
    private SeqNumber _tuningSeq;
    private long _tuningSince = -1;

    /// <summary>The receive buffer as auto-tuning has sized it.</summary>
    public int ReceiveBufferSize => _window.BufferSize;

    // Without window scaling no window beyond 64 KiB can be offered, so growing past it would only let the
    // out-of-order queue hold more than the peer may send.
    private int ReceiveBufferLimit => _windowScaling ? _options.MaxReceiveBufferSize : Math.Min(_options.MaxReceiveBufferSize, ushort.MaxValue);

    private void TuneReceiveBuffer(long now)
    {
        if (_window.BufferSize >= ReceiveBufferLimit)
        {
            return;
        }

        if (_tuningSince < 0)
        {
            _tuningSince = now;
            _tuningSeq = ConsumedSeq;
            return;
        }

        long interval = Math.Max(ReceiverRtt(), MinTuningInterval);
        if (now - _tuningSince < interval)
        {
            return;
        }

        // Twice a round trip's bytes: the sender's window may double in slow start before the next measurement.
        SeqNumber consumed = ConsumedSeq;
        long perRoundTrip = consumed - _tuningSeq;
        long wanted = (2 * perRoundTrip) + (16L * _options.Mss);
        if (wanted > _window.BufferSize)
        {
            _window.Grow((int)Math.Min(wanted, ReceiveBufferLimit));
            Counters.ReceiveBufferGrowths++;
        }

        _tuningSince = now;
        _tuningSeq = consumed;
    }

    // Linux's copied_seq: the stream position up to which the application has received.
    private SeqNumber ConsumedSeq => _rcvNxt - _receiver.QueuedBytes;

    // A data segment echoed one of our TSvals: a round trip seen from the receiving side, smoothed by 1/8.
    private void SampleReceiverRtt(long rtt)
    {
        if (rtt < 0)
        {
            return;
        }

        _receiverRtt = _receiverRtt == 0 ? rtt : _receiverRtt + ((rtt - _receiverRtt) / 8);
    }

    // The round trip as the receiver sees it: our own SRTT when we also send, else the age of the TSval the
    // peer echoes (RFC 7323 §4, as Linux's tcp_rcv_rtt_measure_ts), else the initial RTO's guess.
    private long ReceiverRtt()
    {
        if (_rtt.SmoothedRtt > 0)
        {
            return _rtt.SmoothedRtt;
        }

        return _receiverRtt > 0 ? _receiverRtt : Micros(_options.InitialRto);
    }
}
