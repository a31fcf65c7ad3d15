using System.Buffers.Binary;
using Devmem.Stack.Ip;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Sockets;

/// <summary>
/// Writes one TCP segment into the frame the IP layer is building: the header a connection dispatched, its
/// payload copied straight from the connection's send buffer (the one copy on the way out, summed as it goes),
/// then the checksum over both with the pseudo-header sum the IP layer supplies.
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
        Span<byte> segment = destination[..Length];
        int headerLength = _header.Emit(segment);
        BinaryPrimitives.WriteUInt16BigEndian(segment[TcpSegmentView.ChecksumOffset..], 0);
        uint sum = InternetChecksum.Accumulate(segment[..headerLength], packet.PseudoHeaderSum);
        if (_connection is not null)
        {
            // The payload is summed as it is copied: each byte is read once on the way out.
            sum = InternetChecksum.Combine(sum, _connection.CopyDispatchedPayload(_payloadOffset, segment[headerLength..]), headerLength);
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment[TcpSegmentView.ChecksumOffset..], InternetChecksum.Finish(sum));
    }
}
