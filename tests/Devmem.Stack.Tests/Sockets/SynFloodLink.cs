using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// A link endpoint that adds a SYN flood to what its engine transmits: after each batch, up to
/// <c>perBatch</c> SYNs from random spoofed sources (172.16.0.0/12, off the victim's subnet and
/// unroutable from it) to the victim's port, until <c>total</c> have gone. It injects on the engine's own
/// transmit thread, so the link keeps its one-transmitter rule.
/// </summary>
internal sealed class SynFloodLink(ILink inner, MacAddress victimMac, Ipv4Address victim, ushort port, int total, int perBatch) : ILink
{
    private readonly FrameBatch _flood = new(perBatch, inner.MaxFrameLength);
    private readonly Random _random = new(4987);
    private int _injected;

    /// <summary>SYNs sent so far (read from any thread).</summary>
    public int Injected => Volatile.Read(ref _injected);

    public int MaxFrameLength => inner.MaxFrameLength;

    public void Transmit(FrameBatch frames)
    {
        inner.Transmit(frames);
        int count = Math.Min(perBatch, total - _injected);
        if (count <= 0)
        {
            return;
        }

        _flood.Clear();
        for (int i = 0; i < count; i++)
        {
            Span<byte> frame = _flood.Reserve();
            _flood.Commit(WriteSyn(frame));
        }

        inner.Transmit(_flood);
        Volatile.Write(ref _injected, _injected + count);
    }

    public int Receive(FrameBatch frames) => inner.Receive(frames);

    public ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default) => inner.WaitForFramesAsync(cancellationToken);

    private int WriteSyn(Span<byte> frame)
    {
        var source = new Ipv4Address(172, (byte)(16 + _random.Next(16)), (byte)_random.Next(256), (byte)(1 + _random.Next(254)));
        var tcp = new TcpHeader
        {
            SourcePort = (ushort)_random.Next(1024, 65536),
            DestinationPort = port,
            SequenceNumber = (uint)_random.NextInt64(uint.MaxValue),
            Flags = TcpFlags.Syn,
            Window = 65535,
            Options = new TcpOptions { Mss = 1460, SackPermitted = true },
        };
        var ip = new Ipv4Repr { Source = source, Destination = victim, Protocol = IpProtocol.Tcp, Ttl = 64, PayloadLength = tcp.HeaderLength };
        var spoofedMac = new MacAddress([0x02, 0xF1, 0x00, (byte)_random.Next(256), (byte)_random.Next(256), (byte)_random.Next(256)]);
        new EthernetRepr { Destination = victimMac, Source = spoofedMac, EtherType = EtherType.Ipv4 }.Emit(frame);
        int l4 = EthernetView.HeaderLength + ip.Emit(frame[EthernetView.HeaderLength..], []);
        Span<byte> segment = frame.Slice(l4, tcp.HeaderLength);
        tcp.Emit(segment);
        Span<byte> ipBytes = frame[EthernetView.HeaderLength..];
        TcpChecksum.Fill(segment, TcpChecksum.PseudoHeaderSumIPv4(ipBytes[12..16], ipBytes[16..20], segment.Length));
        return l4 + tcp.HeaderLength;
    }
}
