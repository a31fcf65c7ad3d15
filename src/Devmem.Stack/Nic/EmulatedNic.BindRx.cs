using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Stack.Nic;

public sealed partial class EmulatedNic
{
    /// <summary>
    /// netdev <c>bind-rx</c>: installs <paramref name="binding"/> as the memory provider of each queue in
    /// <paramref name="queues"/> and restarts them, so their payload lands in the dma-buf.
    /// </summary>
    /// <remarks>
    /// Checks follow <c>netdev_nl_bind_rx_doit()</c> and <c>__net_mp_open_rxq()</c> in their order, with
    /// their errno and extack text. Every queue is checked before any is restarted: Linux binds queue by queue
    /// and unbinds them all on a failure (<c>err_unbind</c>), so either way nothing stays bound.
    /// </remarks>
    /// <exception cref="DevmemException">
    /// EINVAL: no queues, a TX or unbound binding, a queue out of range, tcp-data-split off, hds-thresh not
    /// zero; EEXIST: a queue already has a memory provider.
    /// </exception>
    public void BindRx(DmaBufBinding binding, ReadOnlySpan<int> queues)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ObjectDisposedException.ThrowIf(_disposed, this);
        NoticeUnbinds();
        if (queues.IsEmpty)
        {
            // The request without a NETDEV_A_DMABUF_QUEUES nest: GENL_REQ_ATTR_CHECK fails.
            throw new DevmemException(Errno.EINVAL, "missing attribute: queues (bind-rx needs at least one RX queue)");
        }

        if (binding.Direction != BindingDirection.Rx)
        {
            throw new DevmemException(Errno.EINVAL, $"{binding} is not an RX binding: bind-rx installs only a binding made for RX");
        }

        if (!binding.IsBound)
        {
            throw new DevmemException(Errno.EINVAL, $"{binding} is unbound: create a new binding for the dma-buf");
        }

        for (int i = 0; i < queues.Length; i++)
        {
            CheckQueueAcceptsProvider(queues[i], queues[..i]);
        }

        foreach (int id in queues)
        {
            Retire(_queues[id].Restart(binding), id, null);
        }
    }

    /// <summary>
    /// Unbinds <paramref name="binding"/> from every queue it is bound to here, restarting them on host pages
    /// (Linux <c>net_devmem_unbind_dmabuf()</c>, run when the netlink socket that bound it closes). Chunks in
    /// flight stay valid until returned. Disposing the binding has the same effect, noticed at the next frame
    /// or control call that touches its queues.
    /// </summary>
    public void UnbindRx(DmaBufBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (NicRxQueue queue in _queues)
        {
            if (ReferenceEquals(queue.Binding, binding))
            {
                Unbind(queue);
            }
        }
    }

    private void CheckQueueAcceptsProvider(int id, ReadOnlySpan<int> earlier)
    {
        if ((uint)id >= (uint)RxQueueCount)
        {
            // netdev_nl_bind_rx_doit() validates the id against real_num_rx_queues first (EINVAL);
            // __net_mp_open_rxq() repeats the check with ERANGE, which this order never reaches.
            throw new DevmemException(Errno.EINVAL, $"rx queue index out of range: rxq {id} ID is out of range (the device has {RxQueueCount} RX queues)");
        }

        if (!TcpDataSplit)
        {
            throw new DevmemException(Errno.EINVAL, "tcp-data-split is disabled");
        }

        if (HdsThreshold != 0)
        {
            throw new DevmemException(Errno.EINVAL, "hds-thresh is not zero");
        }

        // A queue named twice in one request is bound by its first mention when Linux reaches the second.
        if (_queues[id].Binding is not null || earlier.Contains(id))
        {
            throw new DevmemException(Errno.EEXIST, "designated queue already memory provider bound");
        }
    }

    /// <summary>The highest queue with a binding, or -1.</summary>
    private int HighestBoundQueue()
    {
        for (int id = _queues.Count - 1; id >= 0; id--)
        {
            if (_queues[id].Binding is not null)
            {
                return id;
            }
        }

        return -1;
    }

    private void NoticeUnbinds()
    {
        foreach (NicRxQueue queue in _queues)
        {
            NoticeUnbind(queue);
        }
    }

    /// <summary>
    /// A disposed binding sends no notification; the queue notices before it next allocates from it, as
    /// the unbind that the closing netlink socket triggers in Linux would have restarted it.
    /// </summary>
    private void NoticeUnbind(NicRxQueue queue)
    {
        if (queue.Binding is { IsBound: false })
        {
            Unbind(queue);
        }
    }

    private void Unbind(NicRxQueue queue)
    {
        uint id = queue.Binding!.Id;
        Retire(queue.Restart(null), queue.Id, id);
    }
}
