using System.Runtime.InteropServices;

namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// The fixed part of <c>struct ethtool_rxfh_indir</c> (include/uapi/linux/ethtool.h): command and table size,
/// followed by <c>__u32 ring_index[size]</c> at offset 8.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EthtoolRxfhIndirection
{
    /// <summary><c>offsetof(struct ethtool_rxfh_indir, ring_index)</c>.</summary>
    public const int RingIndexOffset = 8;

    public uint Command;

    public uint Size;
}
