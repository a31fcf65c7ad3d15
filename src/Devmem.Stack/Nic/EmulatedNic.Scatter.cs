using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Devmem.Skb;
using Devmem.Stack.Link;
using Devmem.Stack.Link.Interop;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Nic;

/// <summary>
/// Header split at the source, for a link that reads each frame with one <c>readv(2)</c> (a TAP): the link reads
/// into buffers the NIC posted beforehand, so TCP payload is written once, by the kernel, into page-pool chunks.
/// </summary>
/// <remarks>
/// <para>The iovec is a host header buffer of <see cref="HeaderBufferLength"/> bytes, then the buffers the
/// predicted queue's ring has posted, then, when the ring is short (a dry pool, memory the CPU cannot address),
/// the rest of a host staging buffer, so that any frame fits. The first posted buffer is read into after
/// <see cref="Headroom"/> bytes: the payload bytes the speculative header buffer caught are moved into that
/// headroom, right in front of the bytes that followed them, so the split is exact (<c>hds-thresh</c> 0: even
/// a 1-byte payload ends in device memory, the headers and nothing else in host memory).</para>
/// <para>Which queue to post for must be guessed before the read: a TAP cannot be peeked, and a real NIC
/// would parse the headers first. The guess is the queue the last split frame went to, since one flow keeps
/// its queue and a bulk transfer is one flow. A wrong guess, a frame that cannot be split (a header the parser
/// does not reach, headers longer than the header buffer, no payload), a ring too short for the frame, or a
/// queue whose binding went away since the post takes the copy path: the bytes that landed in posted buffers
/// are gathered back behind the header buffer, the frame is whole in host memory again, and
/// <see cref="ReceiveFrame"/> handles it exactly as a frame from any other link. The posted buffers stay
/// posted for the next read.</para>
/// </remarks>
public sealed partial class EmulatedNic
{
    /// <summary>
    /// The speculative header buffer: Ethernet with a VLAN tag, IPv4 with 40 bytes of options and TCP with
    /// 40 (138 bytes) fit, and so do IPv6 headers with extension headers of up to 138 bytes.
    /// </summary>
    internal const int HeaderBufferLength = 256;

    /// <summary>
    /// Room left in front of the first posted buffer for the payload bytes the header buffer caught: the
    /// shortest headers a frame can have and still be split (Ethernet, IPv4 without options, TCP without
    /// options: 54 bytes) leave this many payload bytes in it.
    /// </summary>
    internal const int Headroom = HeaderBufferLength - (EthernetView.HeaderLength + Ipv4View.MinHeaderLength + TcpSegmentView.MinHeaderLength);

    // The header buffer is the staging buffer's start; the rest catches what posted buffers cannot hold, and
    // receives the gathered bytes of a frame that takes the copy path.
    private readonly byte[] _staging = GC.AllocateUninitializedArray<byte>(GsoFrame.MaxLength, pinned: true);

    // The queue the next frame is expected on; what the last post put in the iovec: how many buffers of that
    // queue's ring, and how many bytes they take.
    private int _predictedQueue = -1;
    private int _postedBuffers;
    private int _postedCapacity;

    /// <summary>The most iovec entries <see cref="PostRxBuffers"/> fills.</summary>
    internal int MaxRxVectors => RingBuffersFor(_options.RxBufferLength) + 2;

    /// <summary>
    /// Fills <paramref name="vectors"/> with the buffers the next frame is read into (see the type's remarks);
    /// returns how many. Together they hold <see cref="GsoFrame.MaxLength"/> bytes.
    /// </summary>
    internal unsafe int PostRxBuffers(Span<IoVector> vectors)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte* staging = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_staging));
        vectors[0].Base = staging;
        vectors[0].Length = HeaderBufferLength;
        int count = 1;
        _postedBuffers = 0;
        _postedCapacity = 0;
        NicRxQueue? queue = PredictedQueue();
        if (queue is not null)
        {
            int bufferLength = _options.RxBufferLength;
            queue.Ring.Fill(queue.Pool, bufferLength, RingBuffersFor(bufferLength));
            for (int i = 0; i < queue.Ring.Count; i++)
            {
                int skip = i == 0 ? Headroom : 0;
                vectors[count].Base = (byte*)queue.Ring[i].Address + skip;
                vectors[count++].Length = (nuint)(bufferLength - skip);
                _postedCapacity += bufferLength - skip;
            }

            _postedBuffers = queue.Ring.Count;
        }

        int bounce = GsoFrame.MaxLength - HeaderBufferLength - _postedCapacity;
        if (bounce > 0)
        {
            vectors[count].Base = staging + HeaderBufferLength + _postedCapacity;
            vectors[count++].Length = (nuint)bounce;
        }

        return count;
    }

    /// <summary>
    /// Receives the frame of <paramref name="length"/> bytes that landed in the buffers of the last
    /// <see cref="PostRxBuffers"/>, as <see cref="ReceiveFrame"/> receives one; <see cref="NicRxPacket.Frame"/> is
    /// then the headers alone when the payload was split at the source.
    /// </summary>
    internal bool ReceivePosted(int length, scoped in VirtioNetHeader? vnet, out NicRxPacket packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int inHeaderBuffer = Math.Min(length, HeaderBufferLength);
        if (inHeaderBuffer >= EthernetView.HeaderLength && _postedBuffers > 0)
        {
            FrameParser.Parse(_staging.AsSpan(0, inHeaderBuffer), length - inHeaderBuffer, _options.ParserDepth, _options.ParsesIpv4Options, out ParsedFrame parsed);
            int queueId = SelectQueue(parsed.Tuple);
            if (queueId == _predictedQueue && SplitsAtSource(parsed, length, inHeaderBuffer) && _queues[queueId].Binding is not { IsBound: false })
            {
                return ReceiveSplit(_queues[queueId], parsed, length, inHeaderBuffer, vnet, out packet);
            }
        }

        GatherPosted(length);
        bool delivered = ReceiveFrame(_staging.AsSpan(0, length), vnet, out packet);
        if (delivered && packet.IsHeaderSplit && HostVisible(_queues[packet.QueueId]))
        {
            // The flow moved (or this is its first frame): post the next read for its queue.
            _predictedQueue = packet.QueueId;
        }

        return delivered;
    }

    // The payload bytes the header buffer caught go into the headroom of the first posted buffer; the rest are
    // where the kernel put them. Frags are taken off the ring in order, as a NIC completes descriptors.
    private bool ReceiveSplit(NicRxQueue queue, scoped in ParsedFrame parsed, int length, int inHeaderBuffer, scoped in VirtioNetHeader? vnet, out NicRxPacket packet)
    {
        packet = default;
        ReadOnlySpan<byte> headers = _staging.AsSpan(0, parsed.PayloadOffset);
        bool vouched = Vouched(vnet);
        ulong checksum = vouched ? 0 : (ulong)parsed.PseudoHeaderSum + InternetChecksum.Accumulate(headers[parsed.L4Offset..]);
        int moved = Math.Min(inHeaderBuffer - parsed.PayloadOffset, parsed.PayloadLength);
        int bufferLength = _options.RxBufferLength;
        SkBuff skb = SkbPool.Rent();
        SkBuff target = skb;
        int remaining = parsed.PayloadLength;
        for (int i = 0; remaining > 0; i++)
        {
            PostedBuffer buffer = queue.Ring.Take();
            int offset = buffer.Offset;
            int size = Math.Min(remaining, bufferLength);
            if (i == 0)
            {
                offset += Headroom - moved;
                size = Math.Min(remaining, bufferLength - Headroom + moved);
                buffer.Chunk.Owner.DmaBuf.Write(buffer.Chunk.DmaBufOffset + offset, _staging.AsSpan(parsed.PayloadOffset, moved));
            }

            if (target.FragCount == SkBuff.MaxFrags)
            {
                AppendMember(skb, target);
                target = SkbPool.Rent();
            }

            // Every piece but the last has an even length (headers and buffers are), so the sums add up.
            if (!vouched)
            {
                checksum += InternetChecksum.Accumulate(buffer.Chunk.Owner.DmaBuf.GetSpan(buffer.Chunk.DmaBufOffset + offset, size));
            }

            target.TryAddFrag(buffer.Chunk, offset, size);
            remaining -= size;
        }

        AppendMember(skb, target);

        if (!vouched && InternetChecksum.Fold(checksum) != 0xFFFF)
        {
            skb.Free();
            queue.Stats.CountDrop(NicDropReason.BadChecksum);
            return false;
        }

        CountGsoSegments(skb, vnet);
        queue.Stats.CountDeliveredAtSource(length);
        packet = new NicRxPacket(queue.Id, headers, parsed.L3Offset, parsed.L4Offset, skb, isHeaderSplit: true, checksumVerified: true,
            frame: headers, detachedLength: length - parsed.PayloadOffset);
        return true;
    }

    // Past 17 frags a payload continues in skbs on the frag_list, as PayloadWriter chains them.
    private static void AppendMember(SkBuff head, SkBuff member)
    {
        if (!ReferenceEquals(head, member))
        {
            head.AppendFragList(member);
        }
    }

    // What the NIC would split on its own (ReceiveFrame's rule), whose headers the header buffer holds whole
    // and whose other bytes all reached posted buffers.
    private bool SplitsAtSource(in ParsedFrame parsed, int length, int inHeaderBuffer) =>
        parsed.HardwareParsed && TcpDataSplit && length > HdsThreshold && parsed.PayloadLength > 0
        && parsed.PayloadOffset <= inHeaderBuffer && length - inHeaderBuffer <= _postedCapacity;

    // Bytes past the header buffer that landed in posted buffers go back behind it, so the frame is whole.
    private void GatherPosted(int length)
    {
        int landed = Math.Min(length - HeaderBufferLength, _postedCapacity);
        if (landed <= 0)
        {
            return;
        }

        NicRxRing ring = _queues[_predictedQueue].Ring;
        int at = HeaderBufferLength;
        for (int i = 0; at - HeaderBufferLength < landed; i++)
        {
            PostedBuffer buffer = ring[i];
            int skip = i == 0 ? Headroom : 0;
            int size = Math.Min(landed - (at - HeaderBufferLength), _options.RxBufferLength - skip);
            buffer.Chunk.Owner.DmaBuf.Read(buffer.Chunk.DmaBufOffset + buffer.Offset + skip, _staging.AsSpan(at, size));
            at += size;
        }
    }

    // The queue to post for, or null when it has nothing the CPU can read into (no split, device memory
    // the process cannot address, a binding that went away): everything then lands in the staging buffer.
    private NicRxQueue? PredictedQueue()
    {
        if (_predictedQueue < 0 || _predictedQueue >= _queues.Count)
        {
            _predictedQueue = Math.Max(HighestBoundQueue(), 0);
        }

        NicRxQueue queue = _queues[_predictedQueue];
        NoticeUnbind(queue);
        return TcpDataSplit && HostVisible(queue) ? queue : null;
    }

    private static bool HostVisible(NicRxQueue queue) => (queue.Binding?.DmaBuf ?? queue.HostPages.DmaBuf).IsHostVisible;

    // Enough buffers for the largest frame once the header buffer and the headroom are taken off.
    private static int RingBuffersFor(int bufferLength) =>
        (GsoFrame.MaxLength - HeaderBufferLength + Headroom + bufferLength - 1) / bufferLength;
}
