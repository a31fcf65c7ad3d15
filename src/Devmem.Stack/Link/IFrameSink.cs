namespace Devmem.Stack.Link;

/// <summary>
/// Where an engine builds outgoing frames in place: <see cref="Reserve"/> hands out room for one
/// frame, the engine writes the frame there and <see cref="Commit"/> makes it part of the output.
/// Building in place means a frame is written once, straight into the buffer that carries it.
/// </summary>
/// <remarks>One producer at a time: a reservation stays valid until the next <see cref="Commit"/> or <see cref="Reserve"/>.</remarks>
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
}
