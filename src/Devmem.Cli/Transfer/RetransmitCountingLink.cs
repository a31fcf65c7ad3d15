using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Cli.Transfer;

/// <summary>
/// A link that counts TCP data segments sent again: a segment whose data ends at or before the highest
/// sequence number its flow has already sent is a retransmission. The engine keeps exact per-connection
/// counters, but does not publish them yet, so the CLI reads them off the wire the way tcpdump would.
/// </summary>
/// <remarks>Transmit runs on the engine's loop thread only, so the flow table needs no lock.</remarks>
internal sealed class RetransmitCountingLink(ILink inner) : ILink
{
    private readonly Dictionary<(ushort Source, ushort Destination), uint> _highestSent = [];
    private long _retransmissions;

    /// <summary>Data segments that repeated bytes already sent.</summary>
    public long Retransmissions => Interlocked.Read(ref _retransmissions);

    public int MaxFrameLength => inner.MaxFrameLength;

    public void Transmit(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        for (int i = 0; i < frames.Count; i++)
        {
            Inspect(frames[i]);
        }

        inner.Transmit(frames);
    }

    public int Receive(FrameBatch frames) => inner.Receive(frames);

    public ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default) => inner.WaitForFramesAsync(cancellationToken);

    private void Inspect(ReadOnlySpan<byte> frame)
    {
        if (!EthernetView.TryCreate(frame, out EthernetView ethernet, out _))
        {
            return;
        }

        ReadOnlySpan<byte> segment;
        if (ethernet.EtherType == EtherType.Ipv4 && Ipv4View.TryCreate(ethernet.Payload, out Ipv4View ipv4, out _) && ipv4.Protocol == IpProtocol.Tcp)
        {
            segment = ipv4.Payload;
        }
        else if (ethernet.EtherType == EtherType.Ipv6 && Ipv6View.TryCreate(ethernet.Payload, out Ipv6View ipv6, out _) && ipv6.NextHeader == IpProtocol.Tcp)
        {
            segment = ipv6.Payload;
        }
        else
        {
            return;
        }

        if (!TcpSegmentView.TryCreate(segment, out TcpSegmentView tcp, out _) || tcp.Payload.IsEmpty)
        {
            return;
        }

        var flow = (tcp.SourcePort, tcp.DestinationPort);
        uint end = tcp.SequenceNumber + (uint)tcp.Payload.Length;
        if (_highestSent.TryGetValue(flow, out uint highest) && (int)(end - highest) <= 0)
        {
            Interlocked.Increment(ref _retransmissions);
            return;
        }

        _highestSent[flow] = end;
    }
}
