using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// A receive side that does what Linux does before a TAP reader sees TCP data with offloads on: consecutive
/// in-order data segments of one flow in a batch become one large frame (its IP length grown past the MTU, the
/// first segment's TCP header, PSH if any had it), whose TCP checksum is left partial (the pseudo-header sum
/// only, as <c>tcp_v4_send_check</c> leaves a CHECKSUM_PARTIAL skb) and which carries a virtio-net header with
/// NEEDS_CSUM and GSO TCPv4/TCPv6. Everything else passes through unchanged.
/// </summary>
internal sealed class GsoCoalescingLink : ILink
{
    private const int EthernetLength = EthernetView.HeaderLength;
    private readonly ILink _inner;
    private FrameBatch? _scratchBatch;
    private int _pendingFrom = -1;
    private int _pendingCount;
    private uint _pendingNextSequence;

    public GsoCoalescingLink(ILink inner)
    {
        _inner = inner;
    }

    /// <summary>Frames delivered that merged two or more segments.</summary>
    public long GsoFrames { get; private set; }

    /// <summary>The longest frame delivered.</summary>
    public int LongestFrame { get; private set; }

    public int MaxFrameLength => GsoFrame.MaxLength;

    public void Transmit(FrameBatch frames) => _inner.Transmit(frames);

    public ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default) => _inner.WaitForFramesAsync(cancellationToken);

    public int Receive(FrameBatch frames)
    {
        // Merging only shrinks the count, so reading no more frames than the batch has room for is enough.
        if (_scratchBatch is null || _scratchBatch.Capacity != frames.Capacity - frames.Count)
        {
            _scratchBatch = new FrameBatch(frames.Capacity - frames.Count, _inner.MaxFrameLength);
        }

        Scratch.Clear();
        _inner.Receive(Scratch);

        int before = frames.Count;
        for (int i = 0; i < Scratch.Count; i++)
        {
            ReadOnlySpan<byte> frame = Scratch[i];
            if (_pendingCount > 0 && Continues(Scratch[_pendingFrom], frame))
            {
                _pendingCount++;
                _pendingNextSequence += (uint)DataLength(frame);
                continue;
            }

            Flush(frames);
            if (IsData(frame))
            {
                _pendingFrom = i;
                _pendingCount = 1;
                _pendingNextSequence = Tcp(frame).SequenceNumber + (uint)DataLength(frame);
            }
            else
            {
                frames.TryAdd(frame);
            }
        }

        Flush(frames);
        return frames.Count - before;
    }

    private FrameBatch Scratch => _scratchBatch!;

    private static bool IsIpv6(ReadOnlySpan<byte> frame) => new EthernetView(frame).EtherType == EtherType.Ipv6;

    private static int L4Offset(ReadOnlySpan<byte> frame) => EthernetLength + (IsIpv6(frame) ? Ipv6View.HeaderLength : Ipv4View.MinHeaderLength);

    private static TcpSegmentView Tcp(ReadOnlySpan<byte> frame) => new(frame[L4Offset(frame)..]);

    private static int DataLength(ReadOnlySpan<byte> frame) => frame.Length - L4Offset(frame) - Tcp(frame).HeaderLength;

    // A plain data segment: IPv4 without options or IPv6 without extension headers, TCP with ACK (and maybe PSH) only.
    private static bool IsData(ReadOnlySpan<byte> frame)
    {
        var ethernet = new EthernetView(frame);
        bool tcp = ethernet.EtherType switch
        {
            EtherType.Ipv4 => new Ipv4View(frame[EthernetLength..]) is { HeaderLength: Ipv4View.MinHeaderLength, Protocol: IpProtocol.Tcp },
            EtherType.Ipv6 => new Ipv6View(frame[EthernetLength..]).NextHeader == IpProtocol.Tcp,
            _ => false,
        };
        return tcp && (Tcp(frame).Flags & ~(TcpFlags.Ack | TcpFlags.Psh)) == 0 && DataLength(frame) > 0;
    }

    private bool Continues(ReadOnlySpan<byte> first, ReadOnlySpan<byte> next)
    {
        if (!IsData(next) || IsIpv6(first) != IsIpv6(next))
        {
            return false;
        }

        int l4 = L4Offset(first);
        TcpSegmentView a = Tcp(first);
        TcpSegmentView b = Tcp(next);
        int headers = l4 + a.HeaderLength;
        int merged = headers + (int)(_pendingNextSequence - a.SequenceNumber) + DataLength(next);
        return b.SequenceNumber == _pendingNextSequence && a.AcknowledgmentNumber == b.AcknowledgmentNumber && a.Window == b.Window
            && a.HeaderLength == b.HeaderLength && a.SourcePort == b.SourcePort
            && a.DestinationPort == b.DestinationPort && merged - EthernetLength <= ushort.MaxValue - Ipv6View.HeaderLength;
    }

    private void Flush(FrameBatch frames)
    {
        if (_pendingCount == 0)
        {
            return;
        }

        ReadOnlySpan<byte> first = Scratch[_pendingFrom];
        if (_pendingCount == 1)
        {
            frames.TryAdd(first);
            _pendingCount = 0;
            return;
        }

        bool ipv6 = IsIpv6(first);
        int l4 = L4Offset(first);
        int headers = l4 + Tcp(first).HeaderLength;
        Span<byte> slot = frames.Reserve();
        first[..headers].CopyTo(slot);
        int length = headers;
        bool push = false;
        for (int i = _pendingFrom; i < _pendingFrom + _pendingCount; i++)
        {
            ReadOnlySpan<byte> segment = Scratch[i];
            ReadOnlySpan<byte> data = segment[(L4Offset(segment) + Tcp(segment).HeaderLength)..];
            data.CopyTo(slot[length..]);
            length += data.Length;
            push |= (Tcp(segment).Flags & TcpFlags.Psh) != 0;
        }

        Span<byte> frame = slot[..length];
        int segmentLength = length - l4;
        uint pseudo;
        if (ipv6)
        {
            var ip = new Ipv6MutableView(frame[EthernetLength..]) { PayloadLength = (ushort)segmentLength };
            pseudo = TcpChecksum.PseudoHeaderSumIPv6(ip.Buffer[8..24], ip.Buffer[24..40], segmentLength);
        }
        else
        {
            var ip = new Ipv4MutableView(frame[EthernetLength..]) { TotalLength = (ushort)(length - EthernetLength) };
            ip.FillChecksum();
            pseudo = TcpChecksum.PseudoHeaderSumIPv4(ip.Buffer[12..16], ip.Buffer[16..20], segmentLength);
        }

        if (push)
        {
            frame[l4 + 13] |= (byte)TcpFlags.Psh;
        }

        TcpChecksum.FillPartial(frame[l4..], pseudo);
        ushort gsoSize = (ushort)DataLength(first);
        frames.Commit(length, VirtioNetHeader.ForTcp(ipv6, (ushort)l4, (ushort)headers, gsoSize));
        GsoFrames++;
        LongestFrame = Math.Max(LongestFrame, length);
        _pendingCount = 0;
    }
}
