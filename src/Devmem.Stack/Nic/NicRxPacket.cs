using Devmem.Skb;

namespace Devmem.Stack.Nic;

/// <summary>
/// What the NIC hands the stack for one frame: the queue it arrived on, the header buffer, where the
/// parser found each layer, and the payload as an skb the caller now owns (free it, or give it to TCP).
/// </summary>
/// <remarks>
/// <see cref="Headers"/> is a view of the frame: valid only until the driver reuses the frame's buffer, as a
/// header buffer is recycled once the stack has read it. The payload never aliases the frame.
/// </remarks>
public readonly ref struct NicRxPacket
{
    internal NicRxPacket(int queueId, ReadOnlySpan<byte> headers, int l3Offset, int l4Offset, SkBuff? payload,
        bool isHeaderSplit, bool checksumVerified, ReadOnlySpan<byte> frame, int detachedLength = 0)
    {
        Frame = frame;
        DetachedLength = detachedLength;
        QueueId = queueId;
        Headers = headers;
        L3Offset = l3Offset;
        L4Offset = l4Offset;
        Payload = payload;
        IsHeaderSplit = isHeaderSplit;
        ChecksumVerified = checksumVerified;
    }

    /// <summary>The RX queue flow steering or RSS chose.</summary>
    public int QueueId { get; }

    /// <summary>
    /// The frame up to the TCP payload (Ethernet, IP with any options or extension headers, TCP); the whole
    /// frame when it carries no TCP segment. Ethernet padding is never part of either.
    /// </summary>
    public ReadOnlySpan<byte> Headers { get; }

    /// <summary>
    /// The frame as it lies in host memory, for IP: the whole frame, or only <see cref="Headers"/> when the payload
    /// was split off before it reached host memory (a link that reads into posted buffers).
    /// </summary>
    public ReadOnlySpan<byte> Frame { get; }

    /// <summary>Bytes of the frame after <see cref="Frame"/> that never were in host memory: IP counts them in its length checks.</summary>
    public int DetachedLength { get; }

    /// <summary>Offset of the IP header in <see cref="Headers"/>, or -1 for a frame that is not IP.</summary>
    public int L3Offset { get; }

    /// <summary>Offset of the TCP header in <see cref="Headers"/>, or -1 when there is no TCP segment to deliver.</summary>
    public int L4Offset { get; }

    /// <summary>
    /// The TCP payload: frags in the queue's memory when <see cref="IsHeaderSplit"/> (unreadable when the
    /// queue is bound to a dma-buf), else linear bytes. Null when the segment carries no payload.
    /// </summary>
    public SkBuff? Payload { get; }

    /// <summary>Whether the payload was written into page-pool chunks (linear part empty).</summary>
    public bool IsHeaderSplit { get; }

    /// <summary>
    /// Whether the TCP checksum needs no further check (Linux <c>CHECKSUM_UNNECESSARY</c>): the NIC verified
    /// it, or the kernel behind the TAP vouched for it (DATA_VALID or NEEDS_CSUM). False: the stack checks.
    /// </summary>
    public bool ChecksumVerified { get; }
}
