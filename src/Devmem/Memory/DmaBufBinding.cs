using System.Diagnostics.CodeAnalysis;

namespace Devmem.Memory;

/// <summary>
/// A dma-buf attached to the NIC for receive or transmit (Linux <c>struct net_devmem_dmabuf_binding</c>):
/// its chunks, the free pool they come from, and the global id applications see as <c>dmabuf_id</c>.
/// For RX it is the memory provider of the page pools of the bound queues.
/// </summary>
/// <remarks>
/// <para>
/// The binding takes its own reference on the dma-buf (as <c>dma_buf_get()</c> does) and drops it when
/// released; it never disposes the dma-buf for its creator.
/// </para>
/// <para>
/// Ids are global, at least 1 and assigned cyclically (<c>xa_alloc_cyclic(&amp;net_devmem_dmabuf_bindings,
/// ..., xa_limit_32b, ...)</c>). Disposing is unbind: like Linux's <c>xa_erase()</c> in
/// <c>net_devmem_unbind_dmabuf()</c>, <see cref="TryGet"/> stops finding the binding at once, but unlike
/// Linux the id stays reserved until the last chunk comes back, so a token an application still holds
/// never names a newer binding.
/// </para>
/// </remarks>
public sealed class DmaBufBinding : NetIovArea, IMemoryProvider
{
    private static readonly CyclicIdTable<DmaBufBinding> Bindings = new(1, uint.MaxValue);

    /// <summary>Binds <paramref name="dmaBuf"/>, taking a reference on it and a new global id.</summary>
    /// <exception cref="ArgumentException">The dma-buf is smaller than a page, or the direction is unknown.</exception>
    /// <exception cref="ObjectDisposedException">The dma-buf was already freed.</exception>
    public DmaBufBinding(DmaBuf dmaBuf, BindingDirection direction)
        : base(Attach(dmaBuf, direction), isDeviceMemory: true)
    {
        Direction = direction;
        try
        {
            Id = Bindings.Add(this);
        }
        catch
        {
            dmaBuf.ReleaseReference();
            throw;
        }

        StartLeakTracking();
    }

    /// <summary>The global binding id, the <c>dmabuf_id</c> of every descriptor for this memory.</summary>
    public uint Id { get; }

    /// <summary>Whether this binding serves receive queues or transmit.</summary>
    public BindingDirection Direction { get; }

    /// <summary>Whether the binding is still bound (not disposed).</summary>
    public bool IsBound => !IsClosed;

    /// <summary>Finds a bound binding by id (Linux <c>net_devmem_lookup_dmabuf()</c>).</summary>
    public static bool TryGet(uint id, [MaybeNullWhen(false)] out DmaBufBinding binding)
    {
        if (Bindings.TryGet(id, out binding) && binding.IsBound)
        {
            return true;
        }

        binding = null;
        return false;
    }

    /// <summary>Takes a free chunk for a page pool (Linux <c>mp_dmabuf_devmem_alloc_netmems()</c>).</summary>
    /// <exception cref="InvalidOperationException">This is a TX binding, which provides no RX buffers.</exception>
    public bool TryAllocate([MaybeNullWhen(false)] out NetIov netIov)
    {
        if (Direction != BindingDirection.Rx)
        {
            throw new InvalidOperationException(
                $"{this} is a TX binding: only a bind-rx binding is installed as a queue's memory provider.");
        }

        return TryAllocateChunk(out netIov);
    }

    /// <summary>Returns a chunk to the free pool (Linux <c>mp_dmabuf_devmem_release_page()</c>).</summary>
    public void Release(NetIov netIov) => FreeChunk(netIov);

    /// <inheritdoc/>
    public override string ToString() =>
        $"binding {Id} ({(Direction == BindingDirection.Rx ? "rx" : "tx")}, dma-buf '{DmaBuf.Name}')";

    private protected override void OnReleased()
    {
        Bindings.Remove(Id);
        DmaBuf.ReleaseReference();
    }

    private static DmaBuf Attach(DmaBuf dmaBuf, BindingDirection direction)
    {
        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentException($"unknown binding direction {direction}.", nameof(direction));
        }

        ChunkCount(dmaBuf);
        dmaBuf.AddReference();
        return dmaBuf;
    }
}
