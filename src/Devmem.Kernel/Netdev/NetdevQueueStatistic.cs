namespace Devmem.Kernel.Netdev;

/// <summary>
/// The counters of qstats-get (<c>NETDEV_A_QSTATS_*</c> from 8 on, include/uapi/linux/netdev.h); a driver
/// reports only the ones it keeps. Counters a newer kernel adds appear under their numbers.
/// </summary>
public enum NetdevQueueStatistic
{
    RxPackets = 8,
    RxBytes,
    TxPackets,
    TxBytes,
    RxAllocFail,
    RxHwDrops,
    RxHwDropOverruns,
    RxCsumComplete,
    RxCsumUnnecessary,
    RxCsumNone,
    RxCsumBad,
    RxHwGroPackets,
    RxHwGroBytes,
    RxHwGroWirePackets,
    RxHwGroWireBytes,
    RxHwDropRatelimits,
    TxHwDrops,
    TxHwDropErrors,
    TxCsumNone,
    TxNeedsCsum,
    TxHwGsoPackets,
    TxHwGsoBytes,
    TxHwGsoWirePackets,
    TxHwGsoWireBytes,
    TxHwDropRatelimits,
    TxStop,
    TxWake,
}
