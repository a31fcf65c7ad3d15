namespace Devmem.Stack.Link;

/// <summary>
/// A frame mover a NIC drives: batches of Ethernet frames out, batches in, and a wait for frames
/// that parks the caller instead of polling. <see cref="MemoryLinkEndpoint"/> (in process),
/// <see cref="Tap.TapLink"/> (readv/writev on a TAP) and <see cref="Packet.AfPacketLink"/> (TPACKET_V3 rings)
/// implement it; <see cref="Pcap.PcapLink"/> records any of them.
/// </summary>
/// <remarks>
/// One thread transmits and one thread receives at a time, as with a NIC queue pair. Frames carry
/// no FCS. Transmission is fire-and-forget, like a wire: loss is visible only in counters.
/// </remarks>
public interface ILink
{
    /// <summary>The longest frame the link carries (Ethernet header included).</summary>
    int MaxFrameLength { get; }

    /// <summary>
    /// Sends every frame of <paramref name="frames"/> in order; the batch is left for the caller to clear. Its
    /// frames are not to be read afterwards: a memory link takes their buffers instead of copying them.
    /// </summary>
    void Transmit(FrameBatch frames);

    /// <summary>
    /// Moves waiting frames into the free slots of <paramref name="frames"/>, in arrival order;
    /// returns how many were added (0 when none are waiting). A link whose kernel says what it knows of a
    /// frame's checksum and segmentation commits the frame with that virtio-net header
    /// (<see cref="FrameBatch.TryGetOffload"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The batch's slots are shorter than <see cref="MaxFrameLength"/>.</exception>
    int Receive(FrameBatch frames);

    /// <summary>
    /// Completes when at least one frame is waiting (at once if one already is). One waiter at a time;
    /// waiting allocates nothing.
    /// </summary>
    ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default);
}
