using Devmem.Stack.Ip;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Sockets;

/// <summary>
/// Writes one TCP segment into the frame the IP layer is building: the header a connection dispatched,
/// its payload, then the checksum over both with the pseudo-header sum the IP layer supplies.
/// </summary>
internal readonly ref struct TcpSegmentWriter(in TcpHeader header, ReadOnlySpan<byte> payload) : IIpPayloadWriter
{
    private readonly TcpHeader _header = header;
    private readonly ReadOnlySpan<byte> _payload = payload;

    public int Length => _header.HeaderLength + _payload.Length;

    public void Write(Span<byte> destination, in IpPacketInfo packet)
    {
        int headerLength = _header.Emit(destination);
        _payload.CopyTo(destination[headerLength..]);
        TcpChecksum.Fill(destination[..Length], packet.PseudoHeaderSum);
    }
}
