using Devmem.Stack.Link;

namespace Devmem.Stack.Tests.Link;

/// <summary>A downstream that keeps a copy of every frame written to it.</summary>
internal sealed class RecordingWriter(int maxFrameLength = 1518) : IFrameWriter
{
    public List<byte[]> Frames { get; } = [];

    public int MaxFrameLength => maxFrameLength;

    public void Write(ReadOnlySpan<byte> frame) => Frames.Add(frame.ToArray());

    public void Write(FrameBatch frames)
    {
        for (int i = 0; i < frames.Count; i++)
        {
            Write(frames[i]);
        }
    }

    /// <summary>The sequence numbers of <see cref="LinkFrames.Numbered"/> frames, in arrival order.</summary>
    public List<int> Sequence() => Frames.ConvertAll(LinkFrames.NumberOf);
}
