namespace Devmem.Stack.Nic;

/// <summary>
/// A page pool as netdev <c>page-pool-get</c> describes it. A pool destroyed by a queue restart is still
/// listed (<see cref="Detached"/>, Linux's <c>detach-time</c>) while chunks it handed out are in flight.
/// </summary>
/// <param name="Id">The global page pool id.</param>
/// <param name="Ifindex">The device.</param>
/// <param name="Queue">The RX queue it served.</param>
/// <param name="Inflight">Chunks taken from the provider and not yet released (<c>inflight</c>).</param>
/// <param name="InflightBytes">Their size (<c>inflight-mem</c>).</param>
/// <param name="DmabufId">The binding that provides its memory, if any (<c>dmabuf</c>).</param>
/// <param name="Detached">Whether the pool was destroyed and only waits for chunks in flight.</param>
public sealed record NicPagePoolInfo(uint Id, int Ifindex, int Queue, int Inflight, long InflightBytes, uint? DmabufId, bool Detached);
