namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// Attributes of rings-get and rings-set (<c>ETHTOOL_A_RINGS_*</c>, include/uapi/linux/ethtool_netlink_generated.h).
/// Sizes, counts and thresholds are u32; tcp-data-split is u8 (<c>enum ethtool_tcp_data_split</c>).
/// </summary>
internal static class EthtoolRingsAttribute
{
    public const ushort Header = 1;
    public const ushort RxMax = 2;
    public const ushort RxMiniMax = 3;
    public const ushort RxJumboMax = 4;
    public const ushort TxMax = 5;
    public const ushort Rx = 6;
    public const ushort RxMini = 7;
    public const ushort RxJumbo = 8;
    public const ushort Tx = 9;
    public const ushort RxBufLen = 10;
    public const ushort TcpDataSplit = 11;
    public const ushort CqeSize = 12;
    public const ushort TxPush = 13;
    public const ushort RxPush = 14;
    public const ushort TxPushBufLen = 15;
    public const ushort TxPushBufLenMax = 16;
    public const ushort HdsThresh = 17;
    public const ushort HdsThreshMax = 18;

    /// <summary>The names the YAML spec gives them, index = type - 1.</summary>
    public static readonly string[] Names =
    [
        "header", "rx-max", "rx-mini-max", "rx-jumbo-max", "tx-max", "rx", "rx-mini", "rx-jumbo", "tx", "rx-buf-len",
        "tcp-data-split", "cqe-size", "tx-push", "rx-push", "tx-push-buf-len", "tx-push-buf-len-max", "hds-thresh", "hds-thresh-max",
    ];
}
