namespace Devmem.Memory;

/// <summary>Which way data moves through a binding (netlink <c>bind-rx</c> or <c>bind-tx</c>).</summary>
public enum BindingDirection
{
    /// <summary>The NIC writes received payload into the dma-buf (<c>DMA_FROM_DEVICE</c>).</summary>
    Rx,

    /// <summary>The NIC reads payload to send from the dma-buf (<c>DMA_TO_DEVICE</c>, Linux 6.16).</summary>
    Tx,
}
