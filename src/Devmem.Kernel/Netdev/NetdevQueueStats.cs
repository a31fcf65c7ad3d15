using Devmem.Kernel.Netdev.Uapi;
using Devmem.Kernel.Netlink;

namespace Devmem.Kernel.Netdev;

/// <summary>
/// One record of qstats-get: a device's totals, or one queue's counters when dumped with
/// <see cref="NetdevQstatsScope.Queue"/>. Only the counters the driver keeps are present.
/// </summary>
/// <param name="Ifindex">The device.</param>
/// <param name="QueueType">The queue's type, for per-queue records.</param>
/// <param name="QueueId">The queue's index, for per-queue records.</param>
/// <param name="Counters">Every counter the kernel reported.</param>
public sealed record NetdevQueueStats(
    int Ifindex,
    NetdevQueueType? QueueType,
    uint? QueueId,
    IReadOnlyDictionary<NetdevQueueStatistic, ulong> Counters)
{
    /// <summary>Packets received and passed to the stack.</summary>
    public ulong? RxPackets => Get(NetdevQueueStatistic.RxPackets);

    /// <summary>Bytes of those packets.</summary>
    public ulong? RxBytes => Get(NetdevQueueStatistic.RxBytes);

    /// <summary>Packets sent.</summary>
    public ulong? TxPackets => Get(NetdevQueueStatistic.TxPackets);

    /// <summary>Bytes of those packets.</summary>
    public ulong? TxBytes => Get(NetdevQueueStatistic.TxBytes);

    /// <summary>Receive buffer allocation failures (for devmem: the binding ran out of free chunks).</summary>
    public ulong? RxAllocFail => Get(NetdevQueueStatistic.RxAllocFail);

    /// <summary>The counter, or null when the driver does not report it.</summary>
    public ulong? Get(NetdevQueueStatistic statistic) => Counters.TryGetValue(statistic, out ulong value) ? value : null;

    internal static NetdevQueueStats Parse(NetlinkAttributeReader attributes)
    {
        int ifindex = 0;
        uint? type = null, id = null;
        var counters = new Dictionary<NetdevQueueStatistic, ulong>();
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            switch (attribute.Type)
            {
                case NetdevQstatsAttribute.Ifindex:
                    ifindex = (int)attribute.GetU32();
                    break;
                case NetdevQstatsAttribute.QueueType:
                    type = attribute.GetU32();
                    break;
                case NetdevQstatsAttribute.QueueId:
                    id = attribute.GetU32();
                    break;
                case >= (ushort)NetdevQueueStatistic.RxPackets:
                    counters[(NetdevQueueStatistic)attribute.Type] = attribute.GetUInt();
                    break;
                default:
                    break;
            }
        }

        attributes.ThrowIfMalformed("netdev qstats-get reply");
        return new NetdevQueueStats(ifindex, (NetdevQueueType?)type, id, counters);
    }
}
