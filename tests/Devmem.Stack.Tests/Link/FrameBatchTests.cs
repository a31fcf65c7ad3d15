using Devmem.Stack.Link;

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
}
