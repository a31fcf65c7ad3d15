namespace Devmem.Stack.Link;

/// <summary>
/// A link that carries GSO frames whole, as a veth carries 64 KiB skbs between two stacks at an MTU of 1500: the
/// sender builds one frame per GSO segment (headers once, up to 64 KiB of payload) with a virtio-net header that
/// says how it segments, and the receiver's NIC takes it as one large segment, as GRO would have made it. What
/// the wire would carry is the same byte stream in MTU-sized segments; only the per-frame work is gone.
/// </summary>
/// <remarks>
/// The batches that exchange frames with the link borrow and return the large buffers through the pools
/// named here (<see cref="FrameBatch(int, int, GsoBufferPool?)"/>). A TAP carries them too: the kernel takes a
/// GSO frame from its writer as one skb, as it takes one from a guest's virtio-net driver.
/// </remarks>
public interface IGsoLink : ILink
{
    /// <summary>
    /// Whether what this end transmits may be GSO frames: false where it must be wire-sized frames (segmentation
    /// offload is off, or a fault injector on the direction must see wire frames).
    /// </summary>
    bool TransmitsGso { get; }

    /// <summary>
    /// Where this end's transmit batch borrows buffers for GSO frames, for a link that takes the batch's buffers
    /// instead of copying them (a memory link); null for a link that copies each frame out as it transmits (a
    /// TAP), whose sender lends its batch large buffers itself.
    /// </summary>
    GsoBufferPool? TransmitGsoBuffers { get; }

    /// <summary>Where this end's receive batch returns the peer's GSO buffers; null when the peer sends none.</summary>
    GsoBufferPool? ReceiveGsoBuffers { get; }
}
