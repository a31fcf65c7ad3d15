namespace Devmem.Kernel.Netdev.Uapi;

/// <summary>The netdev family's commands (include/uapi/linux/netdev.h, <c>NETDEV_CMD_*</c>; family version 1).</summary>
internal static class NetdevCommand
{
    /// <summary><c>NETDEV_CMD_DEV_GET</c>: do (by ifindex) and dump.</summary>
    public const byte DevGet = 1;

    /// <summary><c>NETDEV_CMD_PAGE_POOL_GET</c>: do (by id) and dump.</summary>
    public const byte PagePoolGet = 5;

    /// <summary><c>NETDEV_CMD_QUEUE_GET</c>: do (ifindex, type, id) and dump (filtered by ifindex).</summary>
    public const byte QueueGet = 10;

    /// <summary><c>NETDEV_CMD_NAPI_GET</c>: do (by id) and dump (filtered by ifindex).</summary>
    public const byte NapiGet = 11;

    /// <summary><c>NETDEV_CMD_QSTATS_GET</c>: dump only (filtered by ifindex, scoped by scope).</summary>
    public const byte QstatsGet = 12;

    /// <summary><c>NETDEV_CMD_BIND_RX</c>: bind a dma-buf to RX queues (Linux 6.12).</summary>
    public const byte BindRx = 13;

    /// <summary><c>NETDEV_CMD_BIND_TX</c>: bind a dma-buf for transmit (Linux 6.16).</summary>
    public const byte BindTx = 15;

    /// <summary>The command's name in the family's YAML spec (Documentation/netlink/specs/netdev.yaml), for messages.</summary>
    public static string Name(byte command) => command switch
    {
        DevGet => "dev-get",
        PagePoolGet => "page-pool-get",
        QueueGet => "queue-get",
        NapiGet => "napi-get",
        QstatsGet => "qstats-get",
        BindRx => "bind-rx",
        BindTx => "bind-tx",
        _ => $"command {command}",
    };
}
