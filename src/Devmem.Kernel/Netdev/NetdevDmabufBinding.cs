using System.Globalization;
using Devmem.Kernel.GenericNetlink;
using Devmem.Memory;

namespace Devmem.Kernel.Netdev;

/// <summary>
/// A dma-buf bound to a device by bind-rx or bind-tx. The kernel ties a binding to the netlink socket that
/// asked for it and unbinds when that socket closes (<c>netdev_nl_sock_priv_destroy</c>), so each binding
/// owns its own socket and <see cref="Dispose"/> closes it: that is the unbind.
/// </summary>
/// <remarks>
/// After unbind, RX queues restart without the dma-buf; chunks still held by applications (tokens not yet
/// returned) stay valid until returned, as the kernel keeps the binding's memory until then.
/// </remarks>
public sealed class NetdevDmabufBinding : IDisposable
{
    private readonly GenericNetlinkClient _owner;
    private int _disposed;

    internal NetdevDmabufBinding(GenericNetlinkClient owner, uint id, int ifindex, BindingDirection direction, IReadOnlyList<NetdevQueueId> queues)
    {
        _owner = owner;
        Id = id;
        Ifindex = ifindex;
        Direction = direction;
        Queues = queues;
    }

    /// <summary>The binding id: the <c>dmabuf_id</c> of every RX fragment, and the id a TX cmsg names.</summary>
    public uint Id { get; }

    /// <summary>The device.</summary>
    public int Ifindex { get; }

    /// <summary>Receive or transmit.</summary>
    public BindingDirection Direction { get; }

    /// <summary>The RX queues bound (empty for TX).</summary>
    public IReadOnlyList<NetdevQueueId> Queues { get; }

    /// <summary>Whether the owning socket is still open.</summary>
    public bool IsBound => Volatile.Read(ref _disposed) == 0;

    /// <summary>Unbinds: closes the socket that owns the binding.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Direction} binding {Id} on ifindex {Ifindex}{(IsBound ? string.Empty : " (unbound)")}");
}
