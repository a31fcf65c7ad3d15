using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>
/// An ICMP (RFC 792) or ICMPv6 (RFC 4443 §4) Echo Request or Reply, written in place by the IP
/// layer's output path: the family of the packet decides which. The interface answers requests with
/// it; a ping sends requests with it.
/// </summary>
public readonly ref struct IcmpEchoWriter : IIpPayloadWriter
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly uint _identifierAndSequence;
    private readonly bool _isReply;

    /// <param name="isReply">Reply rather than request.</param>
    /// <param name="identifier">Identifier.</param>
    /// <param name="sequenceNumber">Sequence Number.</param>
    /// <param name="data">The data, copied after the 8-byte header (a reply echoes the request's).</param>
    public IcmpEchoWriter(bool isReply, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> data)
    {
        _isReply = isReply;
        _identifierAndSequence = ((uint)identifier << 16) | sequenceNumber;
        _data = data;
    }

    /// <inheritdoc/>
    public int Length => Icmpv4View.HeaderLength + _data.Length;

    /// <inheritdoc/>
    public void Write(Span<byte> destination, in IpPacketInfo packet)
    {
        if (packet.Version == IpVersion.V4)
        {
            new Icmpv4Repr
            {
                Type = _isReply ? Icmpv4Type.EchoReply : Icmpv4Type.EchoRequest,
                RestOfHeader = _identifierAndSequence,
                PayloadLength = _data.Length,
            }.Emit(destination, _data);
        }
        else
        {
            new Icmpv6Repr
            {
                Type = _isReply ? Icmpv6Type.EchoReply : Icmpv6Type.EchoRequest,
                RestOfHeader = _identifierAndSequence,
                PayloadLength = _data.Length,
            }.Emit(destination, _data, packet.Source.Ipv6, packet.Destination.Ipv6);
        }
    }
}
