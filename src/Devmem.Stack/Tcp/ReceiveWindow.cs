namespace Devmem.Stack.Tcp;

/// <summary>
/// The receive window we advertise (RCV.WND, RFC 9293 §3.8.6.2). The buffer it divides up counts device
/// memory: bytes queued for the application and bytes the application still holds through devmem tokens
/// both use it, so a consumer that keeps its tokens closes the window and slows the sender instead of
/// letting the dma-buf run dry (ARCHITECTURE.md, decision 3). Returning tokens reopens it.
/// </summary>
/// <remarks>
/// <para>The right edge (RCV.NXT + RCV.WND as last advertised) never moves left (RFC 9293 §3.8.6.2.2,
/// RFC 7323 §2.4): in-order data moves RCV.NXT up to it, and only freed space moves it on. It moves on
/// only by at least min(buffer / 2, MSS) at a time, the receiver's silly-window-syndrome avoidance of
/// RFC 9293 §3.8.6.2.2; the same threshold makes a window update worth a segment of its own.</para>
/// <para>With a window scale, the advertised value is the window shifted right, rounded up when rounding
/// down would pull the edge back (as Linux's tcp_select_window does).</para>
/// </remarks>
public sealed class ReceiveWindow
{
    private int _bufferSize;
    private int _mss;
    private int _threshold;
    private long _usedAtAdvertise;

    /// <param name="bufferSize">The receive buffer in bytes.</param>
    public ReceiveWindow(int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        _bufferSize = bufferSize;
        _threshold = bufferSize / 2;
    }

    /// <summary>The receive buffer the window divides up, in bytes (grown by auto-tuning).</summary>
    public int BufferSize => _bufferSize;

    /// <summary>RCV.NXT + RCV.WND as last advertised.</summary>
    public SeqNumber RightEdge { get; private set; }

    /// <summary>Our window shift (RFC 7323 §2.2): 0 until both SYNs carried the option.</summary>
    public int Shift { get; private set; }

    /// <summary>The window as the peer knows it: RCV.WND = right edge - RCV.NXT, never negative.</summary>
    public int Size(SeqNumber rcvNxt) => Math.Max(RightEdge - rcvNxt, 0);

    /// <summary>Sets the scale and the SWS threshold once the handshake fixed them; <paramref name="mss"/> is our MSS.</summary>
    public void Configure(int shift, int mss)
    {
        Shift = shift;
        _mss = mss;
        _threshold = Math.Min(_bufferSize / 2, mss);
    }

    /// <summary>Enlarges the buffer to <paramref name="bufferSize"/> bytes (never shrinks it: the right edge never moves left).</summary>
    public void Grow(int bufferSize)
    {
        if (bufferSize <= _bufferSize)
        {
            return;
        }

        _bufferSize = bufferSize;
        _threshold = _mss > 0 ? Math.Min(_bufferSize / 2, _mss) : _bufferSize / 2;
    }

    /// <summary>Starts the window at RCV.NXT (the peer's ISN + 1), before anything is advertised.</summary>
    public void Start(SeqNumber rcvNxt) => RightEdge = rcvNxt;

    /// <summary>
    /// Whether the application freed space since the last advertisement (<paramref name="used"/> = bytes
    /// queued + bytes held through tokens went down), enough to move the right edge by the SWS threshold:
    /// a window update is due. Space that was never advertised for another reason (the SYN's unscaled
    /// window) waits for the next segment instead.
    /// </summary>
    public bool UpdateDue(SeqNumber rcvNxt, long used) => used < _usedAtAdvertise && Allowed(rcvNxt, used) - RightEdge >= _threshold;

    /// <summary>
    /// The window field for the next segment, and the right edge it sets. In a SYN or SYN-ACK the window
    /// is never scaled (RFC 7323 §2.2).
    /// </summary>
    public ushort Advertise(SeqNumber rcvNxt, long used, bool syn)
    {
        _usedAtAdvertise = used;
        SeqNumber allowed = Allowed(rcvNxt, used);
        SeqNumber right = allowed - RightEdge >= _threshold ? allowed : RightEdge;
        int shift = syn ? 0 : Shift;
        long window = right - rcvNxt;
        long field = window >> shift;
        if ((field << shift) < window && rcvNxt + (int)(field << shift) < RightEdge)
        {
            field++;
        }

        field = Math.Min(field, ushort.MaxValue);
        RightEdge = SeqNumber.Max(RightEdge, rcvNxt + (int)(field << shift));
        return (ushort)field;
    }

    // The right edge the buffer allows now.
    private SeqNumber Allowed(SeqNumber rcvNxt, long used) => rcvNxt + (int)Math.Clamp(_bufferSize - used, 0, _bufferSize);
}
