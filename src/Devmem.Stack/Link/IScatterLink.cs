namespace Devmem.Stack.Link;

/// <summary>
/// A link that can read each frame straight into buffers its receiver posts (<c>readv(2)</c> on a TAP) instead of
/// into a <see cref="FrameBatch"/> slot: the NIC behind it then splits headers from payload at the source.
/// </summary>
internal interface IScatterLink : ILink
{
    /// <summary>
    /// Reads waiting frames, each into the buffers <paramref name="receiver"/> posts for it, and completes each
    /// before the next post; stops when none is waiting or after <paramref name="maxFrames"/>. Returns the frames read.
    /// </summary>
    int Receive(IScatterReceiver receiver, int maxFrames);
}
