namespace Devmem.Stack.Ip;

/// <summary>
/// An upper-layer protocol (TCP; anyone interested in ICMP messages the interface does not answer
/// itself) registered with <see cref="IpInterface.SetUpperLayer"/>. The interface calls it for each
/// datagram that passed every link and IP check and is addressed to us.
/// </summary>
public interface IIpUpperLayer
{
    /// <summary>
    /// One datagram arrived. <paramref name="frame"/> is the whole Ethernet frame and is valid only
    /// during the call; <paramref name="packet"/> says where the upper-layer bytes are. Upper-layer
    /// checksums are not verified yet: <see cref="IpPacketInfo.PseudoHeaderSum"/> is there for that.
    /// </summary>
    void Receive(in IpPacketInfo packet, ReadOnlySpan<byte> frame, long now);
}
