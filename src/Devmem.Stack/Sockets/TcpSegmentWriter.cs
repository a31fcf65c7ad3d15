using Devmem.Stack.Ip;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Sockets;

/// <summary>
/// Writes one TCP segment into the frame the IP layer is building: the header a connection dispatched, its
/// payload copied straight from the connection's send buffer (the one copy on the way out), then the
/// checksum over both with the pseudo-header sum the IP layer supplies.
/// </summary>
internal readonly ref struct TcpSegmentWriter : IIpPayloadWriter
{
    private readonly TcpHeader _header;
    private readonly TcpConnection? _connection;
    private readonly int _payloadOffset;
    private readonly int _payloadLength;

    /// <summary>A segment without payload and without a connection behind it (an RST, a SYN-cookie SYN-ACK).</summary>
    public TcpSegmentWriter(in TcpHeader header)
    {
        _header = header;
    }

    /// <summary>
    /// The segment <paramref name="connection"/> just dispatched in place, or one piece of it (GSO): the
    /// <paramref name="payloadLength"/> bytes from <paramref name="payloadOffset"/> of its payload.
    /// </summary>
    public TcpSegmentWriter(in TcpHeader header, TcpConnection connection, int payloadOffset, int payloadLength)
    {
        _header = header;
        _connection = connection;
        _payloadOffset = payloadOffset;
        _payloadLength = payloadLength;
    }

    public int Length => _header.HeaderLength + _payloadLength;

    public void Write(Span<byte> destination, in IpPacketInfo packet)
    {
        int headerLength = _header.Emit(destination);
        _connection?.CopyDispatchedPayload(_payloadOffset, destination.Slice(headerLength, _payloadLength));
        TcpChecksum.Fill(destination[..Length], packet.PseudoHeaderSum);
    }
}
