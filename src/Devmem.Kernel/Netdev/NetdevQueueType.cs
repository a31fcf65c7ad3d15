namespace Devmem.Kernel.Netdev;

/// <summary><c>enum netdev_queue_type</c>: each type numbers its queues from 0.</summary>
public enum NetdevQueueType
{
    /// <summary><c>NETDEV_QUEUE_TYPE_RX</c>: the only type bind-rx accepts.</summary>
    Rx = 0,

    /// <summary><c>NETDEV_QUEUE_TYPE_TX</c>.</summary>
    Tx = 1,
}
