namespace Devmem.Stack.Link;

/// <summary>
/// One frame buffer held in an array of slots. A struct around the reference, because storing a <c>byte[]</c>
/// into a <c>byte[][]</c> goes through the runtime's covariant array-store check on every frame the rings and
/// batches exchange (5% of a memory-link flow's time), and storing into an array of structs does not.
/// </summary>
internal struct FrameSlot
{
    /// <summary>The buffer, or null in a ring position that holds no frame.</summary>
    public byte[]? Buffer;
}
