using Devmem.Stack.Wire;

namespace Devmem.Stack.Link;

/// <summary>
/// Where an engine builds outgoing frames in place: <see cref="Reserve"/> hands out room for one
/// frame, the engine writes the frame there and <see cref="Commit(int)"/> makes it part of the output.
/// Building in place means a frame is written once, straight into the buffer that carries it.
/// </summary>
/// <remarks>One producer at a time: a reservation stays valid until the next <see cref="Commit(int)"/> or <see cref="Reserve"/>.</remarks>
public interface IFrameSink
{
    /// <summary>The longest frame (Ethernet header included, FCS excluded) a reservation holds.</summary>
    int MaxFrameLength { get; }

    /// <summary>Room for the next frame, <see cref="MaxFrameLength"/> bytes; empty when the sink is full.</summary>
    Span<byte> Reserve();

    /// <summary>Completes the reserved frame: its first <paramref name="length"/> bytes.</summary>
    /// <exception cref="InvalidOperationException">Nothing is reserved (the sink is full).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or over <see cref="MaxFrameLength"/>.</exception>
    void Commit(int length);

    /// <summary>The longest GSO frame (<see cref="ReserveGso"/>) the sink takes; 0 when it takes none.</summary>
    int MaxGsoFrameLength { get; }

    /// <summary>
    /// Room for the next frame, at least <paramref name="length"/> bytes: a GSO frame, committed with the
    /// virtio-net header that says how it segments. Empty when the sink is full, takes no GSO frames, or has no
    /// large buffer free now.
    /// </summary>
    Span<byte> ReserveGso(int length);

    /// <summary>Completes the reserved frame with the virtio-net header that describes its offloads.</summary>
    /// <exception cref="InvalidOperationException">Nothing is reserved (the sink is full).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or over the reserved room.</exception>
    void Commit(int length, in VirtioNetHeader offload);
}
