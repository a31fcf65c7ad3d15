namespace Devmem.Stack.Wire;

/// <summary>The <c>flags</c> byte of <c>struct virtio_net_hdr</c> (virtio 1.x §5.1.6, linux/virtio_net.h).</summary>
[Flags]
#pragma warning disable CA1028 // One byte on the wire.
public enum VirtioNetFlags : byte
#pragma warning restore CA1028
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>VIRTIO_NET_HDR_F_NEEDS_CSUM: checksum from csum_start, stored at csum_start + csum_offset, is still to be done.</summary>
    NeedsChecksum = 1,

    /// <summary>VIRTIO_NET_HDR_F_DATA_VALID: the checksum has been verified (receive only).</summary>
    DataValid = 2,

    /// <summary>VIRTIO_NET_HDR_F_RSC_INFO: receive-segment-coalescing counts are in csum_start/csum_offset.</summary>
    RscInfo = 4,
}
