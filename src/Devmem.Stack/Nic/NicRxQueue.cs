using Devmem.Memory;

namespace Devmem.Stack.Nic;

/// <summary>
/// One RX queue: its page pool, the memory behind it (its own host pages, or a dma-buf binding after
/// bind-rx) and its counters.
/// </summary>
/// <remarks>
/// Changing the memory is a queue restart (Linux <c>netdev_rx_queue_restart()</c>): the old page pool is
/// destroyed, so its cached chunks go back to their provider while chunks in flight stay valid and return
/// one by one as skbs and tokens drop them, and a new page pool is created over the new provider.
/// </remarks>
internal sealed class NicRxQueue : IDisposable
{
    private readonly int _ringSize;

    public NicRxQueue(int id, int pages, int postedBuffers, string deviceName)
    {
        Id = id;
        _ringSize = pages;
        Ring = new NicRxRing(postedBuffers);
        HostPages = new HostPages(pages, $"{deviceName} rxq {id} pages");
        Pool = CreatePool(HostPages);
    }

    public int Id { get; }

    public HostPages HostPages { get; }

    public PagePool Pool { get; private set; }

    /// <summary>The binding installed by bind-rx, or null while the queue runs on host pages.</summary>
    public DmaBufBinding? Binding { get; private set; }

    public NicQueueStats Stats { get; } = new();

    /// <summary>Buffers posted for a link that reads straight into them (<see cref="EmulatedNic.PostRxBuffers"/>).</summary>
    public NicRxRing Ring { get; }

    /// <summary>Restarts the queue over <paramref name="binding"/>, or over its host pages when null; returns the destroyed pool.</summary>
    public PagePool Restart(DmaBufBinding? binding)
    {
        PagePool old = Pool;
        Ring.Release();
        old.Dispose();
        Binding = binding;
        Pool = CreatePool(binding is null ? HostPages : binding);
        return old;
    }

    public void Dispose()
    {
        Ring.Release();
        Pool.Dispose();
        HostPages.Dispose();
    }

    private PagePool CreatePool(IMemoryProvider provider) => new(provider, _ringSize, $"rxq {Id}");
}
