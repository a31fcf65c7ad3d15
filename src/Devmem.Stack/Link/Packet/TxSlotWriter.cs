namespace Devmem.Stack.Link.Packet;

/// <summary>
/// Fills a TPACKET_V3 TX ring (packet_mmap.rst, "TX ring"): fixed slots in ring order, each free while its
/// <c>tp_status</c> is TP_STATUS_AVAILABLE; a frame is copied to slot + 48, <c>tp_len</c> set, then the status
/// becomes TP_STATUS_SEND_REQUEST, and one <c>send()</c> after the batch hands every requested slot to the
/// driver. The kernel sets the status back to AVAILABLE when the skb is freed.
/// </summary>
/// <remarks>Owned by the link's transmitting thread.</remarks>
internal sealed unsafe class TxSlotWriter
{
    private readonly byte* _ring;
    private readonly int _frameSize;
    private readonly int _framesPerBlock;
    private readonly int _blockSize;
    private readonly int _frameCount;
    private int _next;

    public TxSlotWriter(byte* ring, int blockSize, int frameSize, int frameCount)
    {
        _ring = ring;
        _blockSize = blockSize;
        _frameSize = frameSize;
        _framesPerBlock = blockSize / frameSize;
        _frameCount = frameCount;
    }

    /// <summary>The longest frame a slot takes.</summary>
    public int MaxFrameLength => _frameSize - PacketConstants.TxDataOffset;

    /// <summary>Slots the kernel refused (TP_STATUS_WRONG_FORMAT), counted when the slot comes round again.</summary>
    public long Refused { get; private set; }

    /// <summary>Queues one frame; false when the next slot is still in flight (the ring is full).</summary>
    public bool TryQueue(ReadOnlySpan<byte> frame)
    {
        byte* slot = Slot(_next);
        ref uint status = ref *(uint*)(slot + PacketConstants.StatusOffset);
        uint current = Volatile.Read(ref status);
        if (current == PacketConstants.TP_STATUS_WRONG_FORMAT)
        {
            Refused++;
        }
        else if (current != PacketConstants.TP_STATUS_AVAILABLE)
        {
            return false;
        }

        frame.CopyTo(new Span<byte>(slot + PacketConstants.TxDataOffset, MaxFrameLength));
        *(uint*)(slot + PacketConstants.NextOffsetOffset) = 0;
        *(uint*)(slot + PacketConstants.SnapLengthOffset) = (uint)frame.Length;
        *(uint*)(slot + PacketConstants.LengthOffset) = (uint)frame.Length;

        // The data and length must be visible before the kernel can see the request.
        Volatile.Write(ref status, PacketConstants.TP_STATUS_SEND_REQUEST);
        _next = _next + 1 == _frameCount ? 0 : _next + 1;
        return true;
    }

    private byte* Slot(int index) =>
        _ring + ((long)(index / _framesPerBlock) * _blockSize) + ((index % _framesPerBlock) * _frameSize);
}
