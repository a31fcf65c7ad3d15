using Devmem.Kernel.Ethtool.Uapi;
using Devmem.Kernel.Netlink;

namespace Devmem.Kernel.Ethtool;

/// <summary>
/// A device's channel (queue) counts as channels-get describes them (<c>ETHTOOL_A_CHANNELS_*</c>,
/// include/uapi/linux/ethtool_netlink_generated.h); what <c>ethtool -l</c> prints. The kernel leaves out a
/// kind whose maximum is 0, so null is ethtool's "n/a".
/// </summary>
public sealed record EthtoolChannels(
    uint? RxMax,
    uint? TxMax,
    uint? OtherMax,
    uint? CombinedMax,
    uint? RxCount,
    uint? TxCount,
    uint? OtherCount,
    uint? CombinedCount)
{
    /// <summary>RX queues in use: dedicated RX channels plus combined ones (ncdevmem's <c>rxq_num</c>).</summary>
    public uint RxQueues => (RxCount ?? 0) + (CombinedCount ?? 0);

    internal static EthtoolChannels Parse(NetlinkAttributeReader attributes)
    {
        var values = new uint?[EthtoolChannelsAttribute.CombinedCount + 1];
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            if (attribute.Type is >= EthtoolChannelsAttribute.RxMax and <= EthtoolChannelsAttribute.CombinedCount)
            {
                values[attribute.Type] = attribute.GetU32();
            }
        }

        attributes.ThrowIfMalformed("ethtool channels-get reply");
        return new EthtoolChannels(
            values[EthtoolChannelsAttribute.RxMax],
            values[EthtoolChannelsAttribute.TxMax],
            values[EthtoolChannelsAttribute.OtherMax],
            values[EthtoolChannelsAttribute.CombinedMax],
            values[EthtoolChannelsAttribute.RxCount],
            values[EthtoolChannelsAttribute.TxCount],
            values[EthtoolChannelsAttribute.OtherCount],
            values[EthtoolChannelsAttribute.CombinedCount]);
    }
}
