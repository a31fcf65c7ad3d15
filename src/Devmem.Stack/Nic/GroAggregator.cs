using System.Buffers.Binary;
using Devmem.Skb;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Nic;

/// <summary>
/// Receive aggregation of TCP segments (the NIC's <c>rx-gro-hw</c>, Linux <c>tcp_gro_receive</c>'s rules):
/// consecutive in-order data segments of one flow, each header-split and checksum-verified, become one packet
/// whose payload skb holds every segment's frags, so IP and TCP run once per aggregate instead of once per
/// frame. Payload is never touched: the frags move, the device memory stays where the NIC wrote it.
/// </summary>
/// <remarks>
/// <para>The driver offers each packet the NIC delivered: <see cref="TryMerge"/> first, then, when it refused,
/// <see cref="TryTake"/> to deliver what is held before <see cref="TryHold"/> or an ordinary delivery of the new
/// packet, so the stack sees packets in wire order. It takes what is held at the end of every receive pass
/// (NAPI's <c>napi_gro_flush</c>): nothing is held while the engine sleeps.</para>
/// <para>A segment joins the held one only when nothing but its sequence number and checksums differs, as
/// <c>tcp_gro_receive</c> requires: the same Ethernet and IP headers (IPv4 without options, DF set, not a
/// fragment: RFC 6864 §4.1 lets such atomic datagrams carry any ID; IPv6 with TCP as its next header), the same
/// ports, ACK number, flags and window (PSH and FIN may end the aggregate, CWR may not join it), byte-equal
/// options (so equal timestamps), and no more payload than the first segment carried. A shorter segment, PSH
/// or FIN ends the aggregate; so does a size that the IP length field could no longer describe.</para>
/// <para>The aggregate's IP length (and the IPv4 header checksum) are rewritten to cover the whole payload, as
/// <c>inet_gro_complete</c> does, and its flags are the first segment's with the last one's PSH and FIN.</para>
/// </remarks>
internal sealed class GroAggregator
{
    private const int EthernetLength = EthernetView.HeaderLength;
    private const int Ipv4Length = Ipv4View.MinHeaderLength;
    private const int Ipv6Length = Ipv6View.HeaderLength;

    // TCP flag bits in the 16-bit word at offset 12 (data offset, reserved, flags).
    private const ushort Fin = 0x01;
    private const ushort Syn = 0x02;
    private const ushort Rst = 0x04;
    private const ushort Psh = 0x08;
    private const ushort Urg = 0x20;
    private const ushort Cwr = 0x80;

    // The largest header an aggregate can start from: Ethernet, IPv6 (IPv4 options are never aggregated) and
    // TCP with 40 bytes of options.
    private const int MaxHeaderLength = EthernetLength + Ipv6Length + 60;

    private readonly byte[] _headers = new byte[MaxHeaderLength];
    private int _headerLength;
    private int _l4Offset;
    private bool _ipv6;
    private int _queueId;

    // The held payload: the first skb, which takes frags while it has room, and the skb filling up to be
    // chained on its frag_list next (chained when full or when the aggregate is taken).
    private SkBuff? _head;
    private SkBuff? _filling;
    private int _payloadLength;
    private int _segmentSize;
    private int _segments;

    // The wire segments the held packets stand for (a GSO frame counts all of its own).
    private int _wireSegments;
    private uint _nextSequence;
    private bool _complete;

    /// <summary>Whether the held aggregate can take no more segments (a short segment, PSH, FIN, or full): take it now.</summary>
    public bool IsComplete => _complete;

    /// <summary>
    /// Holds <paramref name="packet"/> as the start of an aggregate when it could be one: a header-split,
    /// checksum-verified TCP data segment with only ACK (and ECE) among its flags, over IPv4 without options or
    /// IPv6 without extension headers. On true the aggregator owns its payload. Call only while nothing is held.
    /// </summary>
    public bool TryHold(in NicRxPacket packet)
    {
        ReadOnlySpan<byte> headers = packet.Headers;
        if (_head is not null || !IsCandidate(packet, out bool ipv6) || headers.Length > MaxHeaderLength)
        {
            return false;
        }

        ushort flags = FlagWord(headers, packet.L4Offset);
        if ((flags & (Fin | Syn | Rst | Psh | Urg | Cwr)) != 0)
        {
            return false;
        }

        headers.CopyTo(_headers);
        _headerLength = headers.Length;
        _l4Offset = packet.L4Offset;
        _ipv6 = ipv6;
        _queueId = packet.QueueId;
        _head = packet.Payload;
        _payloadLength = packet.Payload!.Length;
        _segmentSize = _payloadLength;
        _segments = 1;
        _wireSegments = WireSegments(packet.Payload!);
        _nextSequence = Sequence(headers, packet.L4Offset) + (uint)_payloadLength;
        _complete = false;
        return true;
    }

    /// <summary>
    /// Adds <paramref name="packet"/> to the held aggregate when it is the next segment of the same flow with
    /// the same headers; on true the aggregator owns its payload (and may have freed its emptied skb).
    /// </summary>
    public bool TryMerge(in NicRxPacket packet)
    {
        if (_head is null || _complete || packet.QueueId != _queueId || !IsCandidate(packet, out bool ipv6) || ipv6 != _ipv6)
        {
            return false;
        }

        ReadOnlySpan<byte> headers = packet.Headers;
        ReadOnlySpan<byte> held = _headers.AsSpan(0, _headerLength);
        int l4 = packet.L4Offset;
        int length = packet.Payload!.Length;
        ushort flags = FlagWord(headers, l4);
        if (headers.Length != _headerLength || l4 != _l4Offset
            || length > _segmentSize
            || _payloadLength + length > MaxPayload()
            || Sequence(headers, l4) != _nextSequence
            || (flags & Cwr) != 0
            || ((flags ^ FlagWord(held, l4)) & ~(Fin | Psh | Cwr)) != 0
            || !SameHeaders(headers, held, l4))
        {
            return false;
        }

        _wireSegments += WireSegments(packet.Payload);
        Append(packet.Payload);
        _payloadLength += length;
        _segments++;
        _nextSequence += (uint)length;
        if (length < _segmentSize || (flags & (Psh | Fin)) != 0 || _payloadLength + _segmentSize > MaxPayload())
        {
            // tcp_gro_receive: the last segment's PSH and FIN go on the aggregate, which ends here.
            _headers[l4 + 13] |= (byte)(flags & (Psh | Fin));
            _complete = true;
        }

        return true;
    }

    /// <summary>
    /// Hands over the held aggregate, its IP length rewritten to cover the whole payload; false when nothing is
    /// held. The packet's header span stays valid until the next <see cref="TryHold"/>.
    /// </summary>
    /// <param name="packet">The aggregate, its payload now the caller's.</param>
    /// <param name="segments">How many received segments it holds, for <c>rx-hw-gro-wire-packets</c>.</param>
    public bool TryTake(out NicRxPacket packet, out int segments)
    {
        if (_head is null)
        {
            packet = default;
            segments = 0;
            return false;
        }

        if (_filling is not null)
        {
            _head.AppendFragList(_filling);
            _filling = null;
        }

        Span<byte> headers = _headers.AsSpan(0, _headerLength);
        int tcpLength = _headerLength - _l4Offset + _payloadLength;
        if (_ipv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(headers[(EthernetLength + 4)..], (ushort)tcpLength);
        }
        else
        {
            Span<byte> ip = headers.Slice(EthernetLength, Ipv4Length);
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(Ipv4Length + tcpLength));
            ip[10] = 0;
            ip[11] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip));
        }

        packet = new NicRxPacket(_queueId, headers, EthernetLength, _l4Offset, _head, isHeaderSplit: true, checksumVerified: true,
            headers, _payloadLength);
        segments = _segments;
        _head.GsoSegments = _wireSegments > 1 ? _wireSegments : 0;
        _head = null;
        _complete = false;
        return true;
    }

    // A data segment the aggregate rules can apply to: TCP straight after an option-less IPv4 header (DF, not a
    // fragment) or an IPv6 header, its payload in frags the NIC verified. Since the aggregate's IP header is
    // rewritten, IP could no longer check the original: its checksum and length are checked here, and a
    // header that fails goes to IP on its own, to be counted there (inet_gro_receive flushes such a packet).
    private static bool IsCandidate(in NicRxPacket packet, out bool ipv6)
    {
        ipv6 = false;
        if (packet.Payload is not { Length: > 0 } payload || !packet.IsHeaderSplit || !packet.ChecksumVerified
            || payload.HeadLength != 0 || payload.FragList is not null || packet.L3Offset != EthernetLength || packet.L4Offset < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> headers = packet.Headers;
        int ipLength = headers.Length - EthernetLength + payload.Length;
        switch (headers[EthernetLength] >> 4)
        {
            case 4:
                // Version 4 with IHL 5, DF set, MF clear, offset 0; a valid checksum and the frame's length.
                ReadOnlySpan<byte> ip = headers.Slice(EthernetLength, Ipv4Length);
                return packet.L4Offset == EthernetLength + Ipv4Length && ip[0] == 0x45
                    && (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x7FFF) == 0x4000
                    && BinaryPrimitives.ReadUInt16BigEndian(ip[2..]) == ipLength
                    && InternetChecksum.Compute(ip) == 0;
            case 6:
                ipv6 = true;
                return packet.L4Offset == EthernetLength + Ipv6Length && headers[EthernetLength + 6] == (byte)IpProtocol.Tcp
                    && BinaryPrimitives.ReadUInt16BigEndian(headers[(EthernetLength + 4)..]) == ipLength - Ipv6Length;
            default:
                return false;
        }
    }

    // Everything but lengths, IDs, checksums, the sequence number and the flags checked apart must match.
    private bool SameHeaders(ReadOnlySpan<byte> headers, ReadOnlySpan<byte> held, int l4)
    {
        int ip = EthernetLength;
        bool ipMatches = _ipv6
            // Version, traffic class, flow label; next header, hop limit, addresses.
            ? headers.Slice(ip, 4).SequenceEqual(held.Slice(ip, 4)) && headers.Slice(ip + 6, l4 - ip - 6).SequenceEqual(held.Slice(ip + 6, l4 - ip - 6))
            // Version, IHL, TOS; flags and offset, TTL, protocol; addresses.
            : headers.Slice(ip, 2).SequenceEqual(held.Slice(ip, 2)) && headers.Slice(ip + 6, 4).SequenceEqual(held.Slice(ip + 6, 4))
                && headers.Slice(ip + 12, 8).SequenceEqual(held.Slice(ip + 12, 8));
        return ipMatches
            && headers[..EthernetLength].SequenceEqual(held[..EthernetLength])
            // Ports; ACK number; window; urgent pointer and options.
            && headers.Slice(l4, 4).SequenceEqual(held.Slice(l4, 4))
            && headers.Slice(l4 + 8, 4).SequenceEqual(held.Slice(l4 + 8, 4))
            && headers.Slice(l4 + 14, 2).SequenceEqual(held.Slice(l4 + 14, 2))
            && headers[(l4 + 18)..].SequenceEqual(held[(l4 + 18)..]);
    }

    // The frags go into the head while it has room, then into an skb filling up for the head's frag_list.
    private void Append(SkBuff payload)
    {
        if (_filling is null)
        {
            if (_head!.FragList is null && _head.TryTakeFrags(payload))
            {
                payload.Free();
                return;
            }

            _filling = payload;
            return;
        }

        if (_filling.TryTakeFrags(payload))
        {
            payload.Free();
            return;
        }

        _head!.AppendFragList(_filling);
        _filling = payload;
    }

    // What the IP length field can describe: IPv4's total length covers its header, IPv6's payload length does not.
    private int MaxPayload() => ushort.MaxValue - (_headerLength - _l4Offset) - (_ipv6 ? 0 : Ipv4Length);

    private static uint Sequence(ReadOnlySpan<byte> headers, int l4) => BinaryPrimitives.ReadUInt32BigEndian(headers[(l4 + 4)..]);

    private static ushort FlagWord(ReadOnlySpan<byte> headers, int l4) => BinaryPrimitives.ReadUInt16BigEndian(headers[(l4 + 12)..]);

    private static int WireSegments(SkBuff payload) => Math.Max(1, payload.GsoSegments);
}
