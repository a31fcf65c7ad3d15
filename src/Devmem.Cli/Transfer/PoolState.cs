namespace Devmem.Cli.Transfer;

/// <summary>The receiver's dma-buf as its binding and page pool see it.</summary>
/// <param name="Chunks">Its 4 KiB net_iovs.</param>
/// <param name="Free">Chunks in the binding's free pool.</param>
/// <param name="InPagePools">Chunks the NIC's page pools hold (cached or in flight).</param>
/// <param name="HeldByApplication">Chunks the application holds through tokens.</param>
internal sealed record PoolState(int Chunks, int Free, int InPagePools, int HeldByApplication);
