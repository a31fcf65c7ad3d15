namespace Devmem.Stack.Link;

/// <summary>
/// Takes finished frames by copy, as a wire does: writing never blocks and never tells the writer
/// whether the frame arrives. Whatever is lost (a full queue, an oversized frame, an injected fault)
/// is counted by the implementation.
/// </summary>
public interface IFrameWriter
{
    /// <summary>The longest frame that is not dropped as oversized.</summary>
    int MaxFrameLength { get; }

    /// <summary>Copies one frame onward.</summary>
    void Write(ReadOnlySpan<byte> frame);

    /// <summary>
    /// Passes every frame of <paramref name="frames"/> onward, in order, paying any locking once per batch. A
    /// writer may take the frames' buffers instead of copying them (<see cref="FrameRing"/>): afterwards the
    /// batch's frames are not to be read, only cleared.
    /// </summary>
    void Write(FrameBatch frames);
}
