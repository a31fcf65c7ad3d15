using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>
/// What the IP layer knows about one datagram, handed to the upper layer on input and to an
/// <see cref="IIpPayloadWriter"/> on output: addresses, the upper-layer protocol, where the
/// upper-layer bytes lie in the frame, and the pseudo-header's partial checksum (RFC 9293 §3.1,
/// RFC 8200 §8.1) so that TCP verifies or fills its checksum without looking at IP headers.
/// </summary>
/// <param name="Source">The datagram's source.</param>
/// <param name="Destination">The datagram's destination.</param>
/// <param name="Protocol">The upper-layer protocol (for IPv6, after the extension headers).</param>
/// <param name="PayloadOffset">Offset of the upper-layer header from the start of the Ethernet frame.</param>
/// <param name="PayloadLength">Bytes of upper-layer data (link padding excluded).</param>
/// <param name="PseudoHeaderSum">
/// Unfolded one's-complement sum of the pseudo-header for <paramref name="Protocol"/> and
/// <paramref name="PayloadLength"/>: add <see cref="InternetChecksum.Accumulate"/> of the upper-layer
/// bytes and the result folds to 0xFFFF when the checksum verifies.
/// </param>
/// <param name="HopLimit">TTL or Hop Limit.</param>
/// <param name="Ecn">The ECN field (RFC 3168 §5).</param>
public readonly record struct IpPacketInfo(
    IpAddress Source,
    IpAddress Destination,
    IpProtocol Protocol,
    int PayloadOffset,
    int PayloadLength,
    uint PseudoHeaderSum,
    byte HopLimit,
    byte Ecn)
{
    /// <summary>The family.</summary>
    public IpVersion Version => Source.Version;

    /// <summary>The upper-layer bytes of <paramref name="frame"/> (the frame this info describes).</summary>
    public ReadOnlySpan<byte> GetPayload(ReadOnlySpan<byte> frame) => frame.Slice(PayloadOffset, PayloadLength);
}
