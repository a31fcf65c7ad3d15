namespace Devmem.Kernel.Netdev;

/// <summary>AF_XDP transmit metadata features (<c>enum netdev_xsk_flags</c>).</summary>
[Flags]
public enum NetdevXskFeatures : ulong
{
    None = 0,

    /// <summary>Hardware timestamps of transmitted packets.</summary>
    TxTimestamp = 1,

    /// <summary>L3 checksum offload.</summary>
    TxChecksum = 2,

    /// <summary>Launch time (earliest transmit time) with FIFO semantics.</summary>
    TxLaunchTimeFifo = 4,
}
