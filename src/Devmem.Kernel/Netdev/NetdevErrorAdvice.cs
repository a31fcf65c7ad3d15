using Devmem.Kernel.Netdev.Uapi;
using Devmem.Kernel.Netlink;
using Devmem.Uapi;

namespace Devmem.Kernel.Netdev;

/// <summary>
/// What to do about each refusal of the netdev family, from the checks in net/core/netdev-genl.c
/// (<c>netdev_nl_bind_rx_doit</c>, <c>netdev_nl_bind_tx_doit</c>) and net/core/devmem.c
/// (<c>net_devmem_bind_dmabuf</c>, <c>net_devmem_bind_dmabuf_to_queue</c>).
/// </summary>
internal static class NetdevErrorAdvice
{
    private const string NeedsNetAdmin = "the netdev family's bind and set operations need CAP_NET_ADMIN: run as root or grant the capability.";

    /// <summary>Advice for a failed dev-get, queue-get, napi-get, page-pool-get or qstats-get.</summary>
    public static string Query(NetlinkExtendedAck ack, byte command) => (ack.Error, command) switch
    {
        (Errno.ENODEV, _) => "no device has that ifindex in this socket's network namespace (ifindexes are per namespace; open the client in the device's namespace).",
        (Errno.ENOENT, NetdevCommand.QueueGet) => "the device is down: the kernel describes the queues of devices that are up only (ip link set DEV up).",
        (Errno.ENOENT, NetdevCommand.NapiGet) => "no NAPI instance has that id in this namespace (list them with a napi-get dump).",
        (Errno.ENOENT, NetdevCommand.PagePoolGet) => "no page pool has that id in this namespace (list them with a page-pool-get dump).",
        (Errno.EINVAL, NetdevCommand.QueueGet) => "the queue id is not below the device's active queue count of that type (ls /sys/class/net/DEV/queues), or ifindex, type or id is missing.",
        (Errno.EOPNOTSUPP, NetdevCommand.QstatsGet) => "the device's driver keeps no per-queue statistics (it has no netdev_stat_ops); ip -s link shows its totals.",
        (Errno.EOPNOTSUPP, _) => $"this kernel's netdev family does not offer {NetdevCommand.Name(command)} in this form (do or dump); it needs a newer kernel.",
        (Errno.ERANGE or Errno.EINVAL, _) => "an attribute is missing or outside what the kernel's policy accepts (its message says which).",
        (Errno.EPERM, _) => NeedsNetAdmin,
        _ => "no more specific advice is known for this errno; the kernel's message, if any, is above.",
    };

    /// <summary>Advice for a failed bind-rx.</summary>
    public static string BindRx(NetlinkExtendedAck ack)
    {
        string message = ack.Message ?? string.Empty;
        return ack.Error switch
        {
            Errno.EINVAL when ack.MissingAttributeType == NetdevDmabufAttribute.Queues =>
                "give at least one RX queue to bind (a queues nest with type rx and the queue's id).",
            Errno.EINVAL when ack.MissingAttributeType is not null =>
                "the request lacks a required attribute: bind-rx takes ifindex, fd and one or more queues.",
            Errno.EINVAL when message.Contains("tcp-data-split", StringComparison.Ordinal) =>
                "turn header-data split on first: `ethtool -G DEV tcp-data-split on`.",
            Errno.EINVAL when message.Contains("hds-thresh", StringComparison.Ordinal) =>
                "set the header-data split threshold to 0 first: `ethtool -G DEV hds-thresh 0`.",
            Errno.EINVAL =>
                "check each queue: type rx, id below the device's RX queue count (ethtool -l), and that fd is a dma-buf (udmabuf, a GPU's export), not an ordinary file.",
            Errno.ENODEV => "no device has that ifindex in this socket's network namespace, or the device is going away.",
            Errno.EOPNOTSUPP =>
                "the device's driver has no queue management API (netdev_queue_mgmt_ops), which devmem RX needs to restart a queue with the dma-buf as its memory provider; " +
                "virtual devices (veth, TAP, lo) never have it. Use a NIC whose driver supports devmem TCP (gve, bnxt, mlx5, fbnic, ...) or the user-space engine.",
            Errno.EEXIST => "an XDP program is attached to the device, or the queue already has a memory provider (another binding, io_uring zero-copy receive); detach or unbind it first.",
            Errno.EBUSY => "an AF_XDP socket uses the queue; close it or pick another queue.",
            Errno.ENODATA => "the driver restarted the queue without the dma-buf as its memory provider; the driver does not honour memory providers on this queue.",
            Errno.EBADF => "fd is not an open descriptor in this process.",
            Errno.ENOMEM => "the kernel could not map the dma-buf for the device (IOMMU space, scatterlist); try a smaller dma-buf.",
            Errno.EPERM => NeedsNetAdmin,
            _ => "no more specific advice is known for this errno; the kernel's message, if any, is above.",
        };
    }

    /// <summary>Advice for a failed bind-tx.</summary>
    public static string BindTx(NetlinkExtendedAck ack) => ack.Error switch
    {
        Errno.EOPNOTSUPP => "the device's driver does not support netmem TX (it must declare netmem_tx); use a NIC whose driver supports devmem TX.",
        Errno.EINVAL => "bind-tx takes ifindex and fd, and fd must be a dma-buf.",
        Errno.ENODEV => "no device has that ifindex in this socket's network namespace.",
        Errno.EBADF => "fd is not an open descriptor in this process.",
        Errno.EPERM => NeedsNetAdmin,
        _ => "no more specific advice is known for this errno; the kernel's message, if any, is above.",
    };
}
