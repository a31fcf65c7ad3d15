namespace Devmem.Stack.Nic;

/// <summary>An RX queue as netdev <c>queue-get</c> describes it (every queue here is type RX).</summary>
/// <param name="Ifindex">The device.</param>
/// <param name="Id">The queue's index.</param>
/// <param name="DmabufId">The binding bound to it by bind-rx, if any (<c>dmabuf</c> attribute).</param>
/// <param name="PagePoolId">The id of its current page pool.</param>
public sealed record NicQueueInfo(int Ifindex, int Id, uint? DmabufId, uint PagePoolId);
