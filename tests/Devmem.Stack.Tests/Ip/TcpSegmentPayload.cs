using Devmem.Stack.Ip;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Ip;

/// <summary>What TCP's payload writer does: header and data into the frame, then the checksum from the pseudo-header sum.</summary>
internal readonly ref struct TcpSegmentPayload(TcpHeader header, ReadOnlySpan<byte> data) : IIpPayloadWriter
{
    private readonly TcpHeader _header = header;
    private readonly ReadOnlySpan<byte> _data = data;

    public int Length => _header.HeaderLength + _data.Length;

    public void Write(Span<byte> destination, in IpPacketInfo packet)
    {
        int at = _header.Emit(destination);
        _data.CopyTo(destination[at..]);
        TcpChecksum.Fill(destination[..Length], packet.PseudoHeaderSum);
    }
}
