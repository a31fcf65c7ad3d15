using Devmem.Stack.Link.Interop;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Link;

/// <summary>
/// Where an <see cref="IScatterLink"/> reads frames: into buffers the receiver posts before each read, as a NIC
/// posts RX descriptors, so that a frame is written once, by the kernel, where it will stay.
/// </summary>
internal interface IScatterReceiver
{
    /// <summary>The most iovec entries <see cref="Post"/> fills.</summary>
    int MaxVectors { get; }

    /// <summary>
    /// Fills <paramref name="vectors"/> with the buffers the next frame is read into, in order; returns how many.
    /// Together they hold a frame of <see cref="GsoFrame.MaxLength"/> bytes.
    /// </summary>
    int Post(Span<IoVector> vectors);

    /// <summary>
    /// The frame of <paramref name="length"/> bytes (virtio-net header excluded) landed in the buffers of the last
    /// <see cref="Post"/>, with the header the kernel gave it.
    /// </summary>
    void Complete(int length, in VirtioNetHeader offload);
}
