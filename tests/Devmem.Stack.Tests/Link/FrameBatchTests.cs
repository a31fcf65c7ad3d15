using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Link;

public class FrameBatchTests
{
    [Fact]
    public void Frames_are_built_in_place_and_read_back_in_order()
    {
        var batch = new FrameBatch(capacity: 2, maxFrameLength: 100);
        var slot = batch.Reserve();
        Assert.Equal(100, slot.Length);
        slot[0] = 7;
        batch.Commit(10);
        Assert.True(batch.TryAdd(new byte[] { 1, 2, 3 }));
        Assert.True(batch.IsFull);
        Assert.True(batch.Reserve().IsEmpty);
        Assert.False(batch.TryAdd(new byte[] { 4 }));
        Assert.Equal(2, batch.Count);
        Assert.Equal(10, batch[0].Length);
        Assert.Equal(7, batch[0][0]);
        Assert.Equal(new byte[] { 1, 2, 3 }, batch[1].ToArray());
        batch.Clear();
        Assert.Equal(0, batch.Count);
        Assert.False(batch.Reserve().IsEmpty);
    }

    [Fact]
    public void Misuse_is_rejected()
    {
        var batch = new FrameBatch(1, 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Commit(11));
        Assert.Throws<ArgumentException>(() => batch.TryAdd(new byte[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.GetFrame(0));
        batch.Commit(1);
        Assert.Throws<InvalidOperationException>(() => batch.Commit(1));
    }

    [Fact]
    public void A_frame_keeps_the_virtio_net_header_it_was_committed_with_and_a_reused_slot_forgets_it()
    {
        var batch = new FrameBatch(capacity: 2, maxFrameLength: 100);
        var gso = VirtioNetHeader.ForTcp(ipv6: false, transportOffset: 34, headersLength: 66, gsoSize: 1448);
        batch.Reserve();
        batch.Commit(80, gso);
        batch.TryAdd(new byte[] { 1 });
        Assert.True(batch.TryGetOffload(0, out VirtioNetHeader first));
        Assert.Equal(gso, first);
        Assert.False(batch.TryGetOffload(1, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.TryGetOffload(2, out _));

        batch.Clear();
        batch.Reserve();
        batch.Commit(80);
        Assert.False(batch.TryGetOffload(0, out _));
    }
}
