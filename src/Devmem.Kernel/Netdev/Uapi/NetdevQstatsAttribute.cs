namespace Devmem.Kernel.Netdev.Uapi;

/// <summary>
/// The identifying attributes of the <c>qstats</c> set (<c>NETDEV_A_QSTATS_*</c> 1-4); the counters,
/// from 8 on, are <see cref="NetdevQueueStatistic"/>.
/// </summary>
internal static class NetdevQstatsAttribute
{
    public const ushort Ifindex = 1;
    public const ushort QueueType = 2;
    public const ushort QueueId = 3;
    public const ushort Scope = 4;
}
