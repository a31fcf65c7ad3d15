using Devmem.Stack.Wire;

namespace Devmem.Stack.Link;

/// <summary>
/// Turns a frame that leans on an offload into the wire frames it stands for, as Linux does in software where
/// a device cannot take it: a TCP GSO frame is cut into gso_size segments (<c>skb_gso_segment</c>,
/// <c>tcp_gso_segment</c>), and a frame whose TCP checksum was left partial gets it completed
/// (<c>skb_checksum_help</c>). What comes out needs no virtio-net header: every frame fits the MTU and carries
/// its own checksum, so a fault injector can lose, corrupt or reorder it as a wire would.
/// </summary>
/// <remarks>
/// Each segment repeats the headers with the IP length and the IPv4 Identification and header checksum its
/// own (Identifications count up from the frame's, as Linux numbers a GSO skb's segments), the sequence number
/// advanced, CWR on the first segment only and PSH and FIN on the last only (<c>tcp_gso_segment</c>'s rule).
/// </remarks>
public static class SoftwareSegmentation
{
    private const int ExtensionHeaderLimit = 64;

    /// <summary>
    /// Writes the wire frames of <paramref name="frame"/> to <paramref name="output"/>, each built in
    /// <paramref name="scratch"/>; returns how many. False, with nothing written, when the frame is not a TCP
    /// segment over IPv4 or IPv6 whose lengths agree with the frame, or a segment would not fit
    /// <paramref name="scratch"/>.
    /// </summary>
    /// <param name="frame">The frame, Ethernet header first.</param>
    /// <param name="offload">What its virtio-net header asks: segmentation at gso_size, a partial checksum, or both.</param>
    /// <param name="scratch">Room for one segment's frame.</param>
    /// <param name="output">Where the segments go, in order.</param>
    /// <param name="segments">Frames written.</param>
    public static bool TryWrite(ReadOnlySpan<byte> frame, in VirtioNetHeader offload, Span<byte> scratch, IFrameWriter output, out int segments)
    {
        ArgumentNullException.ThrowIfNull(output);
        segments = 0;
        if (!TryLocate(frame, out int l3, out int l4, out int payloadOffset, out bool ipv4))
        {
            return false;
        }

        ReadOnlySpan<byte> payload = frame[payloadOffset..];
        int size = offload.IsGso && offload.GsoSize > 0 ? offload.GsoSize : Math.Max(payload.Length, 1);
        if (payloadOffset + Math.Min(size, payload.Length) > scratch.Length)
        {
            return false;
        }

        var original = new TcpSegmentView(frame[l4..]);
        uint sequence = original.SequenceNumber;
        TcpFlags flags = original.Flags;
        ushort identification = ipv4 ? new Ipv4View(frame[l3..]).Identification : (ushort)0;
        int count = Math.Max(1, (payload.Length + size - 1) / size);
        for (int index = 0; index < count; index++)
        {
            int offset = index * size;
            int length = Math.Min(size, payload.Length - offset);
            int frameLength = payloadOffset + length;
            Span<byte> piece = scratch[..frameLength];
            frame[..payloadOffset].CopyTo(piece);
            payload.Slice(offset, length).CopyTo(piece[payloadOffset..]);

            TcpFlags pieceFlags = flags;
            if (index > 0)
            {
                pieceFlags &= ~TcpFlags.Cwr;
            }

            if (index < count - 1)
            {
                pieceFlags &= ~(TcpFlags.Fin | TcpFlags.Psh);
            }

            var tcp = new TcpSegmentMutableView(piece[l4..]) { SequenceNumber = sequence + (uint)offset, Flags = pieceFlags };
            Span<byte> ip = piece[l3..];
            if (ipv4)
            {
                var header = new Ipv4MutableView(ip) { TotalLength = (ushort)(frameLength - l3), Identification = (ushort)(identification + index) };
                header.FillChecksum();
            }
            else
            {
                _ = new Ipv6MutableView(ip) { PayloadLength = (ushort)(frameLength - l3 - Ipv6View.HeaderLength) };
            }

            tcp.FillChecksum(TcpChecksum.PseudoHeaderSum(ip, frameLength - l4));
            output.Write(piece);
            segments++;
        }

        return true;
    }

    // The TCP segment inside the frame: IPv4 (any options) or IPv6 (any extension headers), not a fragment, with
    // IP lengths that end where the frame ends.
    private static bool TryLocate(ReadOnlySpan<byte> frame, out int l3, out int l4, out int payloadOffset, out bool ipv4)
    {
        l4 = payloadOffset = 0;
        ipv4 = false;
        l3 = 0;
        if (frame.Length < EthernetView.HeaderLength)
        {
            return false;
        }

        var ethernet = new EthernetView(frame);
        l3 = ethernet.Length;
        if (frame.Length < l3)
        {
            return false;
        }

        ReadOnlySpan<byte> packet = frame[l3..];
        switch (ethernet.EtherType)
        {
            case EtherType.Ipv4:
                if (!Ipv4View.TryCreate(packet, out Ipv4View v4, out _) || v4.Protocol != IpProtocol.Tcp || v4.IsFragment || v4.TotalLength != packet.Length)
                {
                    return false;
                }

                ipv4 = true;
                l4 = l3 + v4.HeaderLength;
                break;
            case EtherType.Ipv6:
                if (!Ipv6ExtensionHeaders.TryWalk(packet, ExtensionHeaderLimit, out Ipv6ExtensionWalk walk, out _)
                    || walk.UpperProtocol != IpProtocol.Tcp || walk.IsFragment || walk.UpperOffset + walk.UpperLength != packet.Length)
                {
                    return false;
                }

                l4 = l3 + walk.UpperOffset;
                break;
            default:
                return false;
        }

        if (!TcpSegmentView.TryCreate(frame[l4..], out TcpSegmentView tcp, out _))
        {
            return false;
        }

        payloadOffset = l4 + tcp.HeaderLength;
        return true;
    }
}
