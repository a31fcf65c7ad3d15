namespace Devmem.Kernel.Netdev;

/// <summary>Receive metadata an XDP program can read (<c>enum netdev_xdp_rx_metadata</c>).</summary>
[Flags]
public enum NetdevXdpRxMetadata : ulong
{
    None = 0,

    /// <summary>bpf_xdp_metadata_rx_timestamp().</summary>
    Timestamp = 1,

    /// <summary>bpf_xdp_metadata_rx_hash().</summary>
    Hash = 2,

    /// <summary>bpf_xdp_metadata_rx_vlan_tag().</summary>
    VlanTag = 4,
}
