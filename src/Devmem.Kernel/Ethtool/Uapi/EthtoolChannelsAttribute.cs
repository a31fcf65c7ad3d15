namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// Attributes of channels-get and channels-set (<c>ETHTOOL_A_CHANNELS_*</c>,
/// include/uapi/linux/ethtool_netlink_generated.h), all u32.
/// </summary>
internal static class EthtoolChannelsAttribute
{
    public const ushort Header = 1;
    public const ushort RxMax = 2;
    public const ushort TxMax = 3;
    public const ushort OtherMax = 4;
    public const ushort CombinedMax = 5;
    public const ushort RxCount = 6;
    public const ushort TxCount = 7;
    public const ushort OtherCount = 8;
    public const ushort CombinedCount = 9;

    /// <summary>The names the YAML spec gives them, index = type - 1.</summary>
    public static readonly string[] Names =
    [
        "header", "rx-max", "tx-max", "other-max", "combined-max", "rx-count", "tx-count", "other-count", "combined-count",
    ];
}
