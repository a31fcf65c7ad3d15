namespace Devmem.Stack.Wire;

/// <summary>
/// The <c>gso_type</c> byte of <c>struct virtio_net_hdr</c> (virtio 1.x §5.1.6): a segmentation type in the
/// low bits, optionally or-ed with <see cref="Ecn"/>.
/// </summary>
#pragma warning disable CA1028 // One byte on the wire.
public enum VirtioNetGsoType : byte
#pragma warning restore CA1028
{
    /// <summary>VIRTIO_NET_HDR_GSO_NONE: not a GSO frame.</summary>
    None = 0,

    /// <summary>VIRTIO_NET_HDR_GSO_TCPV4: TCP over IPv4 segmentation (TSO).</summary>
    TcpV4 = 1,

    /// <summary>VIRTIO_NET_HDR_GSO_UDP: UDP fragmentation offload (UFO).</summary>
    Udp = 3,

    /// <summary>VIRTIO_NET_HDR_GSO_TCPV6: TCP over IPv6 segmentation (TSO6).</summary>
    TcpV6 = 4,

    /// <summary>VIRTIO_NET_HDR_GSO_UDP_L4: UDP segmentation (USO).</summary>
    UdpL4 = 5,

    /// <summary>VIRTIO_NET_HDR_GSO_ECN: the segments carry CWR on the first only (a modifier bit).</summary>
    Ecn = 0x80,
}
