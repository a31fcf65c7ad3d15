using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>
/// How a TCP GSO frame segments: <see cref="SegmentSize"/> payload bytes per segment after a transport header of
/// <see cref="TransportHeaderLength"/> bytes (Linux's gso_size and the header every segment repeats).
/// The default value is no segmentation: one packet that must fit the MTU.
/// </summary>
internal readonly record struct GsoSegmentation(ushort SegmentSize, int TransportHeaderLength)
{
    /// <summary>No segmentation.</summary>
    public bool IsNone => SegmentSize == 0;

    /// <summary>Segments a transport datagram of <paramref name="transportLength"/> bytes makes (gso_segs).</summary>
    public int Segments(int transportLength) => Math.Max(1, (transportLength - TransportHeaderLength + SegmentSize - 1) / SegmentSize);

    /// <summary>
    /// The virtio-net header of the frame: TCPv4 or TCPv6 segmentation at <see cref="SegmentSize"/>, its checksum
    /// complete (DATA_VALID: the writer summed the whole segment), the TCP header at <paramref name="transportOffset"/>.
    /// </summary>
    public VirtioNetHeader Header(bool ipv6, int transportOffset) => new()
    {
        Flags = VirtioNetFlags.DataValid,
        GsoType = ipv6 ? VirtioNetGsoType.TcpV6 : VirtioNetGsoType.TcpV4,
        GsoSize = SegmentSize,
        HeaderLength = (ushort)(transportOffset + TransportHeaderLength),
        ChecksumStart = (ushort)transportOffset,
        ChecksumOffset = VirtioNetHeader.TcpChecksumOffset,
    };
}
