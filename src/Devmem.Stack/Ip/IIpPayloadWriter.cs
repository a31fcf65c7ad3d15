namespace Devmem.Stack.Ip;

/// <summary>
/// Writes an upper-layer datagram straight into the outgoing frame, after the IP layer has chosen
/// the addresses and written the headers, so that the datagram is built once, in place, with the
/// pseudo-header sum at hand for its checksum. TCP implements it (typically as a ref struct over
/// the segment's header and payload); <see cref="IcmpEchoWriter"/> is the interface's own.
/// </summary>
public interface IIpPayloadWriter
{
    /// <summary>Bytes <see cref="Write"/> writes: the upper-layer header and data.</summary>
    int Length { get; }

    /// <summary>
    /// Writes exactly <see cref="Length"/> bytes to <paramref name="destination"/>, including the
    /// upper-layer checksum (<see cref="IpPacketInfo.PseudoHeaderSum"/> holds the pseudo-header's part).
    /// </summary>
    void Write(Span<byte> destination, in IpPacketInfo packet);
}
