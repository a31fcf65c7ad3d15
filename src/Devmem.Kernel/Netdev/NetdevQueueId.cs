namespace Devmem.Kernel.Netdev;

/// <summary>A queue of a device: its type and its index within that type (a <c>queues</c> nest of bind-rx).</summary>
/// <param name="Type">RX for bind-rx.</param>
/// <param name="Id">Index, below the device's number of queues of that type.</param>
public readonly record struct NetdevQueueId(NetdevQueueType Type, uint Id)
{
    /// <summary>RX queue <paramref name="id"/>.</summary>
    public static NetdevQueueId Rx(uint id) => new(NetdevQueueType.Rx, id);
}
