using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// The TCP checksum (RFC 9293 §3.1): the Internet checksum over a pseudo-header (IPv4: RFC 9293 §3.1;
/// IPv6: RFC 8200 §8.1) and the whole segment. Callers pass the pseudo-header's partial sum so one helper
/// serves both IP versions and the sum can be computed once per flow.
/// </summary>
public static class TcpChecksum
{
    /// <summary>The IP protocol number of TCP.</summary>
    public const byte ProtocolNumber = 6;

    /// <summary>Partial sum of the IPv4 pseudo-header for a TCP segment of <paramref name="segmentLength"/> bytes.</summary>
    public static uint PseudoHeaderSumIPv4(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, int segmentLength) =>
        InternetChecksum.PseudoHeaderIPv4(source, destination, ProtocolNumber, segmentLength);

    /// <summary>Partial sum of the IPv6 pseudo-header for a TCP segment of <paramref name="segmentLength"/> bytes.</summary>
    public static uint PseudoHeaderSumIPv6(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, int segmentLength) =>
        InternetChecksum.PseudoHeaderIPv6(source, destination, ProtocolNumber, segmentLength);

    /// <summary>
    /// Partial sum of the pseudo-header for a TCP segment of <paramref name="segmentLength"/> bytes carried by the IP
    /// packet that starts at <paramref name="packet"/>, IPv4 or IPv6 by its version field.
    /// </summary>
    public static uint PseudoHeaderSum(ReadOnlySpan<byte> packet, int segmentLength) => packet[0] >> 4 == 6
        ? PseudoHeaderSumIPv6(packet[8..24], packet[24..40], segmentLength)
        : PseudoHeaderSumIPv4(packet[12..16], packet[16..20], segmentLength);

    /// <summary>The checksum for <paramref name="segment"/>, treating its checksum field as zero.</summary>
    public static ushort Compute(ReadOnlySpan<byte> segment, uint pseudoHeaderSum)
    {
        ulong sum = (ulong)pseudoHeaderSum
            + InternetChecksum.Accumulate(segment.Slice(0, TcpSegmentView.ChecksumOffset))
            + InternetChecksum.Accumulate(segment.Slice(TcpSegmentView.ChecksumOffset + 2));
        return InternetChecksum.Finish(sum);
    }

    /// <summary>True when the segment, checksum field included, sums with the pseudo-header to all ones.</summary>
    public static bool Verify(ReadOnlySpan<byte> segment, uint pseudoHeaderSum) =>
        segment.Length >= TcpSegmentView.MinHeaderLength
        && InternetChecksum.Fold((ulong)pseudoHeaderSum + InternetChecksum.Accumulate(segment)) == 0xFFFF;

    /// <summary>Computes the checksum of <paramref name="segment"/> and stores it in the checksum field.</summary>
    public static void Fill(Span<byte> segment, uint pseudoHeaderSum) =>
        BinaryPrimitives.WriteUInt16BigEndian(segment.Slice(TcpSegmentView.ChecksumOffset), Compute(segment, pseudoHeaderSum));

    /// <summary>
    /// Prepares a segment for checksum offload (virtio-net <c>VIRTIO_NET_HDR_F_NEEDS_CSUM</c>, Linux
    /// CHECKSUM_PARTIAL): stores the folded, uncomplemented pseudo-header sum in the checksum field, so the
    /// device completes it by summing from csum_start and storing the complement at csum_start + 16.
    /// </summary>
    public static void FillPartial(Span<byte> segment, uint pseudoHeaderSum) =>
        BinaryPrimitives.WriteUInt16BigEndian(segment.Slice(TcpSegmentView.ChecksumOffset), InternetChecksum.Fold(pseudoHeaderSum));
}
