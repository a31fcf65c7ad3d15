using Devmem.Memory;

namespace Devmem.Stack.Nic;

public sealed partial class EmulatedNic
{
    /// <summary>The device (netdev <c>dev-get</c>, <c>ethtool -g/-l</c>).</summary>
    public NicDeviceInfo GetDeviceInfo()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new NicDeviceInfo(_options.Ifindex, _options.Name, RxQueueCount, _options.MaxRxQueues, TcpDataSplit, HdsThreshold,
            _options.HdsThresholdMax, _options.RxBufferLength);
    }

    /// <summary>Every RX queue (netdev <c>queue-get</c> dump).</summary>
    public IReadOnlyList<NicQueueInfo> GetQueues()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        NoticeUnbinds();
        var queues = new List<NicQueueInfo>(_queues.Count);
        foreach (NicRxQueue queue in _queues)
        {
            queues.Add(new NicQueueInfo(_options.Ifindex, queue.Id, queue.Binding?.Id, queue.Pool.Id));
        }

        return queues;
    }

    /// <summary>
    /// Every page pool (netdev <c>page-pool-get</c> dump): each queue's current pool, then pools destroyed by
    /// restarts that still have chunks in flight.
    /// </summary>
    public IReadOnlyList<NicPagePoolInfo> GetPagePools()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        NoticeUnbinds();
        PruneRetired();
        var pools = new List<NicPagePoolInfo>(_queues.Count + _retiredPools.Count);
        foreach (NicRxQueue queue in _queues)
        {
            pools.Add(Describe(queue.Pool, queue.Id, queue.Binding?.Id, detached: false));
        }

        foreach (RetiredPagePool retired in _retiredPools)
        {
            pools.Add(Describe(retired.Pool, retired.Queue, retired.DmabufId, detached: true));
        }

        return pools;
    }

    /// <summary>One queue's counters (netdev <c>qstats-get</c> scope queue).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such queue.</exception>
    public NicQueueStats GetQueueStats(int queue)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)queue, (uint)RxQueueCount, nameof(queue));
        return _queues[queue].Stats;
    }

    private NicPagePoolInfo Describe(PagePool pool, int queue, uint? dmabufId, bool detached) =>
        new(pool.Id, _options.Ifindex, queue, pool.ChunksHeld, (long)pool.ChunksHeld << Page.Shift, dmabufId, detached);

    private void Retire(PagePool pool, int queue, uint? dmabufId)
    {
        PruneRetired();
        if (!pool.IsReleased)
        {
            dmabufId ??= (pool.Provider as DmaBufBinding)?.Id;
            _retiredPools.Add(new RetiredPagePool(pool, queue, dmabufId));
        }
    }

    private void PruneRetired() => _retiredPools.RemoveAll(retired => retired.Pool.IsReleased);
}
