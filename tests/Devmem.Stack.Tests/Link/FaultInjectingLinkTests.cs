using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Link;

public class FaultInjectingLinkTests
{
    [Fact]
    public async Task Received_frames_held_back_for_reordering_arrive_late_and_the_wait_wakes_for_them()
    {
        var clock = new ManualTimeProvider();
        using var memory = new MemoryLink(new MemoryLinkOptions { QueueLength = 16 });
        using var faulty = new FaultInjectingLink(
            memory.A, new FaultInjectorOptions { ReorderRate = 1, ReorderDistance = 2, ReorderTimeout = TimeSpan.FromMilliseconds(5), HoldCapacity = 1 },
            transmit: null, ownsInner: false, timeProvider: clock);
        var batch = new FrameBatch(8, faulty.MaxFrameLength);

        // Frame 0 is held (the one hold buffer), 1 and 2 overtake it and release it after them.
        for (int i = 0; i < 3; i++)
        {
            memory.B.Transmit(LinkFrames.Numbered(i));
        }

        await faulty.WaitForFramesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, faulty.Receive(batch));
        Assert.Equal([1, 2, 0], Numbers(batch));

        // Frame 3 is held with nothing behind it: only the reorder timeout lets it go, and the wait must wake then.
        batch.Clear();
        memory.B.Transmit(LinkFrames.Numbered(3));
        await faulty.WaitForFramesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, faulty.Receive(batch));
        Task waiting = faulty.WaitForFramesAsync(TestContext.Current.CancellationToken).AsTask();
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(5));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(1, faulty.Receive(batch));
        Assert.Equal([3], Numbers(batch));
        Assert.Equal(2, faulty.ReceiveFaults!.Reordered);
    }

    [Fact]
    public void Transmitted_frames_meet_their_own_faults_and_received_ones_pass_when_only_transmit_is_faulted()
    {
        using var memory = new MemoryLink(new MemoryLinkOptions { QueueLength = 16 });
        using var faulty = new FaultInjectingLink(memory.A, receive: null, new FaultInjectorOptions { LossRate = 1 }, ownsInner: false);
        var batch = new FrameBatch(8, faulty.MaxFrameLength);
        batch.TryAdd(LinkFrames.Numbered(1));
        batch.TryAdd(LinkFrames.Numbered(2));

        faulty.Transmit(batch);
        memory.B.Transmit(LinkFrames.Numbered(3));

        Assert.Equal(0, memory.B.Receive(new FrameBatch(8, memory.B.MaxFrameLength)));
        Assert.Equal(2, faulty.TransmitFaults!.Lost);
        batch.Clear();
        Assert.Equal(1, faulty.Receive(batch));
        Assert.Equal([3], Numbers(batch));
    }

    [Fact]
    public void A_frame_whose_offload_header_asks_for_a_checksum_but_is_no_tcp_segment_is_dropped_and_counted_and_a_plain_one_passes()
    {
        var inner = new OffloadingLink();
        using var faulty = new FaultInjectingLink(inner, new FaultInjectorOptions(), transmit: null, maxFrameLength: 1518);
        var batch = new FrameBatch(8, faulty.MaxFrameLength);

        Assert.Equal(1, faulty.Receive(batch));
        Assert.Equal([2], Numbers(batch));
        Assert.Equal(1, faulty.OffloadFramesDropped);
        Assert.Equal(0, faulty.OffloadFramesSegmented);
        Assert.False(batch.TryGetOffload(0, out _));
    }

    [Fact]
    public void A_frame_length_over_the_inner_links_is_refused()
    {
        using var memory = new MemoryLink();
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjectingLink(memory.A, null, null, maxFrameLength: memory.A.MaxFrameLength + 1, ownsInner: false));
    }

    private static int[] Numbers(FrameBatch batch) =>
        Enumerable.Range(0, batch.Count).Select(i => LinkFrames.NumberOf(batch[i].ToArray())).ToArray();

    // A link that delivers one frame with a partial checksum (as a TAP with offloads does) and one that asks for nothing.
    private sealed class OffloadingLink : ILink
    {
        public int MaxFrameLength => 4096;

        public void Transmit(FrameBatch frames)
        {
        }

        public int Receive(FrameBatch frames)
        {
            LinkFrames.Numbered(1).CopyTo(frames.Reserve());
            frames.Commit(64, new VirtioNetHeader { Flags = VirtioNetFlags.NeedsChecksum, ChecksumStart = 34, ChecksumOffset = 16 });
            LinkFrames.Numbered(2).CopyTo(frames.Reserve());
            frames.Commit(64, new VirtioNetHeader { Flags = VirtioNetFlags.DataValid });
            return 2;
        }

        public ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
