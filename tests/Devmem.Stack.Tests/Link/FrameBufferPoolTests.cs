using Devmem.Stack.Link;

namespace Devmem.Stack.Tests.Link;

public class FrameBufferPoolTests
{
    [Fact]
    public void Buffers_are_lent_until_exhausted_and_remember_their_frame_length()
    {
        var pool = new FrameBufferPool(2, 64);
        Assert.True(pool.TryRent(out int a));
        Assert.True(pool.TryRent(out int b));
        Assert.NotEqual(a, b);
        Assert.False(pool.TryRent(out _));
        Assert.Equal(0, pool.Available);

        pool.GetBuffer(a)[..3].Fill(9);
        pool.SetFrameLength(a, 3);
        Assert.Equal(new byte[] { 9, 9, 9 }, pool.GetFrame(a).ToArray());

        pool.Return(a);
        Assert.Equal(1, pool.Available);
        Assert.True(pool.TryRent(out int again));
        Assert.Equal(a, again);
        Assert.Equal(0, pool.GetFrame(again).Length);
    }

    [Fact]
    public void A_buffer_not_lent_is_refused()
    {
        var pool = new FrameBufferPool(1, 8);
        Assert.Throws<InvalidOperationException>(() => pool.Return(0));
        Assert.True(pool.TryRent(out int buffer));
        pool.Return(buffer);
        Assert.Throws<InvalidOperationException>(() => pool.Return(buffer));
        Assert.Throws<InvalidOperationException>(() => pool.GetBuffer(buffer));
        Assert.Throws<InvalidOperationException>(() => pool.GetBuffer(5));
    }
}
