using Devmem.Kernel.Ethtool.Uapi;
using Devmem.Kernel.Netlink;
using Devmem.Uapi;

namespace Devmem.Kernel.Ethtool;

/// <summary>
/// What to do about each refusal of the ethtool family (net/ethtool/rings.c, net/ethtool/channels.c,
/// net/ethtool/netlink.c) and of the SIOCETHTOOL flow steering and RSS commands (net/ethtool/ioctl.c).
/// </summary>
internal static class EthtoolErrorAdvice
{
    private const string NeedsNetAdmin = "changing a device's configuration needs CAP_NET_ADMIN: run as root or grant the capability.";
    private const string NoSuchDevice = "no device has that name in this socket's network namespace (names are per namespace; `ip link` lists them).";
    private const string Unknown = "no more specific advice is known for this errno; the kernel's message, if any, is above.";

    /// <summary>Advice for a failed netlink request.</summary>
    public static string Netlink(NetlinkExtendedAck ack, byte command)
    {
        string message = ack.Message ?? string.Empty;
        return (ack.Error, command) switch
        {
            (Errno.ENODEV, _) => NoSuchDevice,
            (Errno.EOPNOTSUPP, EthtoolMessage.RingsGet or EthtoolMessage.RingsSet) when message.Contains("tcp-data-split", StringComparison.Ordinal) =>
                "the driver cannot switch header-data split, so devmem RX cannot run on this device; use a NIC whose driver supports it (gve, bnxt, mlx5, fbnic, ...).",
            (Errno.EOPNOTSUPP, EthtoolMessage.RingsGet or EthtoolMessage.RingsSet) =>
                "the driver has no ring parameters (no get_ringparam/set_ringparam: veth, TAP and lo have none); header-data split, which devmem RX needs, cannot be turned on here.",
            (Errno.EOPNOTSUPP, _) =>
                "the driver cannot report or change its channel counts (no get_channels/set_channels).",
            (Errno.EINVAL, EthtoolMessage.ChannelsSet) =>
                "each count must stay within the maxima channels-get reports, leave at least one RX and one TX queue, and not drop a queue that has a dma-buf bound or RSS/flow rules pointing at it.",
            (Errno.EINVAL, EthtoolMessage.RingsSet) =>
                "each ring size must stay within rx-max/tx-max, the hds threshold within hds-thresh-max; a queue with a dma-buf bound refuses turning header split off or a non-zero hds threshold.",
            (Errno.EBUSY, _) => "the device is busy (being reconfigured, or an XDP/AF_XDP user holds it); retry or detach it.",
            (Errno.EPERM, _) => NeedsNetAdmin,
            _ => Unknown,
        };
    }

    /// <summary>Advice for a failed SIOCETHTOOL command.</summary>
    public static string Ioctl(Errno errno, uint command) => (errno, command) switch
    {
        (Errno.ENODEV, _) => NoSuchDevice,
        (Errno.EOPNOTSUPP, EthtoolIoctlCommand.GetRssIndirection or EthtoolIoctlCommand.SetRssIndirection) =>
            "this NIC has no RSS indirection table (veth, TAP and lo spread nothing across queues), so RSS cannot be moved away from the devmem queues; " +
            "use a multi-queue NIC with RSS, or skip NIC configuration (ncdevmem -n) when the test steers nothing.",
        (Errno.EOPNOTSUPP, _) =>
            "this NIC cannot steer flows to a queue (its driver has no n-tuple filters: get_rxnfc/set_rxnfc; veth, TAP and lo never do), so devmem traffic cannot be directed to the bound queue; " +
            "use a NIC with n-tuple flow steering (ethtool -K DEV ntuple on), or the user-space engine.",
        (Errno.EINVAL, EthtoolIoctlCommand.InsertRule) =>
            "the driver rejected the rule: check the flow type, that the queue is below the RX queue count, and that n-tuple filtering is on (ethtool -K DEV ntuple on).",
        (Errno.EINVAL, EthtoolIoctlCommand.SetRssIndirection) =>
            "every table entry must name an existing RX queue, and the table size must be the device's (ETHTOOL_GRXFHINDIR with size 0 reports it).",
        (Errno.ENOENT or Errno.EINVAL, EthtoolIoctlCommand.DeleteRule or EthtoolIoctlCommand.GetRule) => "no rule is at that location (list them with ETHTOOL_GRXCLSRLALL).",
        (Errno.ENOSPC, _) => "the NIC's flow rule table is full; delete a rule first.",
        (Errno.EBUSY, _) => "the device is busy (an RSS context or a bound queue is in the way); retry or release it.",
        (Errno.EPERM, _) => NeedsNetAdmin,
        _ => Unknown,
    };
}
