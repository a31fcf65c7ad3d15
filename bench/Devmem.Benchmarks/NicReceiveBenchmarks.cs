using BenchmarkDotNet.Attributes;
using Devmem.Memory;
using Devmem.Stack.Nic;
using Devmem.Stack.Wire;

namespace Devmem.Benchmarks;

/// <summary>
/// The emulated NIC's work per wire frame on one thread, as the engine's receive pass does it: parse, steer by
/// flow rule, write the 1448-byte payload into the bound dma-buf's page pool while summing it, and offer the
/// packet to receive aggregation; the aggregates' skbs are freed as TCP would once the application returned
/// them. Per frame (OperationsPerInvoke), the cost a memory link of wire-sized frames pays on top of the copy.
/// </summary>
[MemoryDiagnoser]
public class NicReceiveBenchmarks : IDisposable
{
    private const int Frames = 64;
    private const int Payload = 1448;
    private static readonly Ipv4Address Client = new(10, 0, 0, 1);
    private static readonly Ipv4Address Server = new(10, 0, 0, 2);
    private readonly byte[][] _frames = new byte[Frames][];
    private HostDmaBuf _dmaBuf = null!;
    private DmaBufBinding _binding = null!;
    private EmulatedNic _nic = null!;

    /// <summary>Receive aggregation on (the default) or off.</summary>
    [Params(true, false)]
    public bool Gro { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dmaBuf = new HostDmaBuf(64L << 20, "nic-bench-dmabuf");
        _binding = new DmaBufBinding(_dmaBuf, BindingDirection.Rx);
        _nic = new EmulatedNic();
        _nic.SetRssEqual(1);
        _nic.BindRx(_binding, [1]);
        _nic.AddFlowRule(FlowMatch.Tcp4(Server, 5201), 1);
        _nic.GenericReceiveOffload = Gro;
        uint sequence = 1000;
        for (int i = 0; i < Frames; i++, sequence += Payload)
        {
            _frames[i] = Segment(sequence);
        }
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "NIC receive of one 1514-byte frame")]
    public void ReceiveFrames()
    {
        foreach (byte[] frame in _frames)
        {
            if (!_nic.ReceiveFrame(frame, null, out NicRxPacket packet))
            {
                throw new InvalidOperationException("the NIC dropped a frame");
            }

            if (_nic.TryAggregate(packet))
            {
                continue;
            }

            TakeAggregate();
            if (!_nic.TryStartAggregate(packet))
            {
                packet.Payload?.Free();
            }
        }

        TakeAggregate();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _nic.Dispose();
        _binding.Dispose();
        _dmaBuf.Dispose();
        GC.SuppressFinalize(this);
    }

    private void TakeAggregate()
    {
        if (_nic.TryTakeAggregate(out NicRxPacket aggregate))
        {
            aggregate.Payload?.Free();
        }
    }

    // One full-sized segment of the client's flow to the steered port, checksums complete, with timestamps.
    private static byte[] Segment(uint sequence)
    {
        var header = new TcpHeader
        {
            SourcePort = 40000,
            DestinationPort = 5201,
            SequenceNumber = sequence,
            AcknowledgmentNumber = 1,
            Flags = TcpFlags.Ack,
            Window = 1024,
            Options = new TcpOptions { Timestamp = new TcpTimestamp(1, 2) },
        };
        int tcpLength = header.HeaderLength + Payload;
        var frame = new byte[EthernetView.HeaderLength + Ipv4View.MinHeaderLength + tcpLength];
        new EthernetRepr { Destination = new MacAddress(0x02_00_00_00_00_0B), Source = new MacAddress(0x02_00_00_00_00_0A), EtherType = EtherType.Ipv4 }.Emit(frame);
        Span<byte> ip = frame.AsSpan(EthernetView.HeaderLength);
        new Ipv4Repr { Source = Client, Destination = Server, Protocol = IpProtocol.Tcp, PayloadLength = tcpLength, Ttl = 64, DontFragment = true }.Emit(ip);
        Span<byte> tcp = ip[Ipv4View.MinHeaderLength..];
        int at = header.Emit(tcp);
        for (int i = 0; i < Payload; i++)
        {
            tcp[at + i] = (byte)(sequence + i);
        }

        TcpChecksum.Fill(tcp, TcpChecksum.PseudoHeaderSumIPv4(ip[12..16], ip[16..20], tcpLength));
        return frame;
    }
}
