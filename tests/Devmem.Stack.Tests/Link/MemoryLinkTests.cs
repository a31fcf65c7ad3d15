using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Link;

public class MemoryLinkTests
{
    [Fact]
    public void Each_end_receives_what_the_other_transmits()
    {
        using var link = new MemoryLink(new MemoryLinkOptions { Mtu = 1500, QueueLength = 8 });
        Assert.Equal(1500 + EthernetView.TaggedHeaderLength, link.A.MaxFrameLength);
        var batch = new FrameBatch(4, link.A.MaxFrameLength);
        batch.TryAdd(LinkFrames.Numbered(1));
        batch.TryAdd(LinkFrames.Numbered(2, length: link.A.MaxFrameLength));
        link.A.Transmit(batch);
        link.B.Transmit(LinkFrames.Numbered(3));

        var received = new FrameBatch(4, link.B.MaxFrameLength);
        Assert.Equal(2, link.B.Receive(received));
        Assert.Equal(1, LinkFrames.NumberOf(received[0].ToArray()));
        Assert.Equal(link.A.MaxFrameLength, received[1].Length);
        Assert.Equal(0, link.B.Receive(received));

        received.Clear();
        Assert.Equal(1, link.A.Receive(received));
        Assert.Equal(3, LinkFrames.NumberOf(received[0].ToArray()));
    }

    [Fact]
    public void A_slow_receiver_loses_frames_to_tail_drop_and_oversized_frames_are_dropped()
    {
        using var link = new MemoryLink(new MemoryLinkOptions { Mtu = 1280, QueueLength = 2 });
        for (int i = 0; i < 5; i++)
        {
            link.A.Transmit(LinkFrames.Numbered(i));
        }
        link.A.Transmit(new byte[link.A.MaxFrameLength + 1]);
        Assert.Equal(3, link.B.ReceiveQueue.TailDrops);
        Assert.Equal(1, link.B.ReceiveQueue.OversizeDrops);
        Assert.Equal(2, link.B.ReceiveQueue.Count);
    }

    [Fact]
    public void A_direction_with_faults_applies_them_and_the_other_does_not()
    {
        var clock = new ManualTimeProvider();
        using var link = new MemoryLink(new MemoryLinkOptions
        {
            AToBFaults = new FaultInjectorOptions { Latency = TimeSpan.FromMilliseconds(5) },
            TimeProvider = clock,
        });
        Assert.NotNull(link.A.TransmitFaults);
        Assert.Null(link.B.TransmitFaults);
        link.A.Transmit(LinkFrames.Numbered(1));
        link.B.Transmit(LinkFrames.Numbered(2));
        Assert.Equal(0, link.B.ReceiveQueue.Count);
        Assert.Equal(1, link.A.ReceiveQueue.Count);
        clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, link.B.ReceiveQueue.Count);
        Assert.Equal(1, link.A.TransmitFaults!.Delayed);
    }

    [Fact]
    public async Task A_receiver_waiting_for_a_delayed_frame_wakes_when_the_clock_releases_it()
    {
        var clock = new ManualTimeProvider();
        using var link = new MemoryLink(new MemoryLinkOptions
        {
            AToBFaults = new FaultInjectorOptions { Latency = TimeSpan.FromMilliseconds(1) },
            TimeProvider = clock,
        });
        var wait = link.B.WaitForFramesAsync(TestContext.Current.CancellationToken).AsTask();
        link.A.Transmit(LinkFrames.Numbered(1));
        Assert.False(wait.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await wait;
        Assert.Equal(1, link.B.Receive(new FrameBatch(1, link.B.MaxFrameLength)));
    }

    [Fact]
    public void Segmentation_offload_lends_large_buffers_only_to_directions_without_faults()
    {
        using (var wire = new MemoryLink(new MemoryLinkOptions { SegmentationOffload = false }))
        {
            Assert.Null(wire.A.TransmitGsoBuffers);
            Assert.Null(wire.B.ReceiveGsoBuffers);
        }

        // On by default, as on a veth.
        using var link = new MemoryLink(new MemoryLinkOptions
        {
            GsoBuffers = 8,
            BToAFaults = new FaultInjectorOptions { LossRate = 0.01 },
        });

        // A to B carries GSO frames: A borrows from the pool B's receive batch returns to.
        GsoBufferPool toB = Assert.IsType<GsoBufferPool>(link.A.TransmitGsoBuffers);
        Assert.Same(toB, link.B.ReceiveGsoBuffers);
        Assert.Equal(8, toB.Capacity);
        Assert.Equal(link.A.MaxFrameLength, toB.SmallLength);
        Assert.Equal(GsoFrame.MaxLength, toB.LargeLength);

        // B to A has faults, which must see wire-sized frames: B segments.
        Assert.Null(link.B.TransmitGsoBuffers);
        Assert.Null(link.A.ReceiveGsoBuffers);
    }
}
