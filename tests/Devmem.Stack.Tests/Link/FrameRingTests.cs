using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Devmem.Stack.Link;

namespace Devmem.Stack.Tests.Link;

public class FrameRingTests
{
    [Fact]
    public void Frames_come_out_in_order_across_the_wrap()
    {
        var ring = new FrameRing(capacity: 3, maxFrameLength: 128);
        var batch = new FrameBatch(2, 128);
        var seen = new List<int>();
        int next = 0;
        for (int round = 0; round < 5; round++)
        {
            ring.Write(LinkFrames.Numbered(next++));
            ring.Write(LinkFrames.Numbered(next++));
            batch.Clear();
            Assert.Equal(2, ring.Read(batch));
            seen.Add(LinkFrames.NumberOf(batch[0].ToArray()));
            seen.Add(LinkFrames.NumberOf(batch[1].ToArray()));
        }
        Assert.Equal(Enumerable.Range(0, 10), seen);
        Assert.Equal(10, ring.Enqueued);
        Assert.Equal(10, ring.Dequeued);
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void A_full_ring_tail_drops_and_counts()
    {
        var ring = new FrameRing(capacity: 4, maxFrameLength: 128);
        var batch = new FrameBatch(10, 128);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(batch.TryAdd(LinkFrames.Numbered(i)));
        }
        ring.Write(batch);
        Assert.Equal(4, ring.Count);
        Assert.Equal(6, ring.TailDrops);

        batch.Clear();
        Assert.Equal(4, ring.Read(batch));
        // The oldest frames were kept: tail drop, not head drop.
        Assert.Equal([0, 1, 2, 3], Enumerable.Range(0, 4).Select(i => LinkFrames.NumberOf(batch[i].ToArray())));
    }

    [Fact]
    public void Frames_move_between_batches_of_the_rings_length_without_a_copy()
    {
        var ring = new FrameRing(capacity: 4, maxFrameLength: 128);
        var sent = new FrameBatch(2, 128);
        sent.TryAdd(LinkFrames.Numbered(1));
        sent.TryAdd(LinkFrames.Numbered(2, length: 128));
        ref byte first = ref MemoryMarshal.GetReference(sent.GetFrame(0));
        ref byte second = ref MemoryMarshal.GetReference(sent.GetFrame(1));
        ring.Write(sent);

        // The sender's slots got other buffers: building the next frames cannot touch the queued ones.
        sent.Clear();
        Assert.False(Unsafe.AreSame(ref first, ref MemoryMarshal.GetReference(sent.Reserve())));

        var received = new FrameBatch(2, 128);
        Assert.Equal(2, ring.Read(received));
        Assert.True(Unsafe.AreSame(ref first, ref MemoryMarshal.GetReference(received.GetFrame(0))));
        Assert.True(Unsafe.AreSame(ref second, ref MemoryMarshal.GetReference(received.GetFrame(1))));
        Assert.Equal(1, LinkFrames.NumberOf(received[0].ToArray()));
        Assert.Equal(128, received[1].Length);
    }

    [Fact]
    public void Batches_of_another_length_are_copied()
    {
        var ring = new FrameRing(capacity: 4, maxFrameLength: 128);
        var sent = new FrameBatch(2, 100);
        sent.TryAdd(LinkFrames.Numbered(1));
        sent.TryAdd(LinkFrames.Numbered(2, length: 100));
        ring.Write(sent);
        Assert.Equal(2, LinkFrames.NumberOf(sent[1].ToArray()));

        var received = new FrameBatch(4, 200);
        received.TryAdd(LinkFrames.Numbered(9));
        Assert.Equal(2, ring.Read(received));
        Assert.Equal([9, 1, 2], Enumerable.Range(0, 3).Select(i => LinkFrames.NumberOf(received[i].ToArray())));
        Assert.Equal(100, received[2].Length);
    }

    [Fact]
    public void An_oversized_frame_is_dropped_and_counted()
    {
        var ring = new FrameRing(4, 64);
        ring.Write(new byte[65]);
        ring.Write(new byte[64]);
        Assert.Equal(1, ring.OversizeDrops);
        Assert.Equal(1, ring.Count);
    }

    [Fact]
    public void A_batch_with_smaller_slots_is_refused()
    {
        var ring = new FrameRing(4, 64);
        Assert.Throws<ArgumentException>(() => ring.Read(new FrameBatch(1, 63)));
    }

    [Fact]
    public async Task A_waiting_reader_wakes_when_a_frame_arrives()
    {
        var ring = new FrameRing(4, 64);
        var wait = ring.WaitForFramesAsync(TestContext.Current.CancellationToken).AsTask();
        Assert.False(wait.IsCompleted);
        ring.Write(LinkFrames.Numbered(1));
        await wait;

        // A frame already waiting completes the wait at once.
        Assert.True(ring.WaitForFramesAsync(TestContext.Current.CancellationToken).AsTask().IsCompletedSuccessfully);
    }

    [Fact]
    public void An_armed_callback_runs_once_on_the_writers_thread_when_a_frame_arrives()
    {
        var ring = new FrameRing(4, 64);
        int calls = 0;
        int? callingThread = null;
        Assert.True(ring.TryArmCallback(() =>
        {
            calls++;
            callingThread = Environment.CurrentManagedThreadId;
        }));

        ring.Write(LinkFrames.Numbered(1));
        ring.Write(LinkFrames.Numbered(2));
        Assert.Equal(1, calls);
        Assert.Equal(Environment.CurrentManagedThreadId, callingThread);

        // Frames already wait: nothing to arm, the reader is to read them now.
        Assert.False(ring.TryArmCallback(() => calls++));
        ring.Read(new FrameBatch(4, 64));
        Assert.True(ring.TryArmCallback(() => calls++));
        Assert.True(ring.DisarmCallback());
        ring.Write(LinkFrames.Numbered(3));
        Assert.Equal(1, calls);
        Assert.False(ring.DisarmCallback());
    }

    [Fact]
    public void A_frame_dropped_for_its_size_does_not_call_the_reader()
    {
        var ring = new FrameRing(4, 64);
        bool called = false;
        Assert.True(ring.TryArmCallback(() => called = true));
        ring.Write(new byte[65]);
        Assert.False(called);
        Assert.Equal(1, ring.OversizeDrops);
    }

    [Fact]
    public async Task A_wait_can_be_cancelled_and_only_one_may_wait()
    {
        var ring = new FrameRing(4, 64);
        using var cancellation = new CancellationTokenSource();
        var wait = ring.WaitForFramesAsync(cancellation.Token).AsTask();
        // The second waiter is refused synchronously.
        Assert.Throws<InvalidOperationException>(() => { _ = ring.WaitForFramesAsync(TestContext.Current.CancellationToken).AsTask(); });
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);

        // After the cancelled wait, a new one works.
        var again = ring.WaitForFramesAsync(TestContext.Current.CancellationToken).AsTask();
        ring.Write(LinkFrames.Numbered(1));
        await again;
    }

    [Fact]
    public async Task A_reader_on_another_thread_receives_every_frame()
    {
        const int Count = 2000;
        var ring = new FrameRing(64, 64);
        var reader = Task.Run(async () =>
        {
            var batch = new FrameBatch(16, 64);
            var numbers = new List<int>();
            while (numbers.Count < Count)
            {
                await ring.WaitForFramesAsync(TestContext.Current.CancellationToken);
                batch.Clear();
                ring.Read(batch);
                for (int i = 0; i < batch.Count; i++)
                {
                    numbers.Add(LinkFrames.NumberOf(batch[i].ToArray()));
                }
            }
            return numbers;
        }, TestContext.Current.CancellationToken);
        for (int i = 0; i < Count; i++)
        {
            // Back off while the ring is full, so nothing is tail-dropped.
            while (ring.Count == ring.Capacity)
            {
                await Task.Yield();
            }
            ring.Write(LinkFrames.Numbered(i));
        }
        Assert.Equal(Enumerable.Range(0, Count), await reader);
        Assert.Equal(0, ring.TailDrops);
    }
}
