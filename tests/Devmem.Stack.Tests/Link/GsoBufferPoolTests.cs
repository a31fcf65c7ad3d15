using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Link;

/// <summary>
/// The large buffers of GSO frames: lent against a frame-sized buffer, allocated only up to the pool's capacity,
/// carried through a ring without a copy with the frame's virtio-net header, and back in the pool once the
/// receiving batch is cleared.
/// </summary>
public sealed class GsoBufferPoolTests
{
    private const int Small = 1518;
    private const int Large = 65_000;

    [Fact]
    public void Exchange_LendsUpToCapacity_AndTakesTheSmallBuffersBack()
    {
        var pool = new GsoBufferPool(capacity: 2, Small, Large);
        byte[] first = new byte[Small], second = new byte[Small], third = new byte[Small];
        Assert.True(pool.TryExchangeForLarge(first, out byte[]? a));
        Assert.True(pool.TryExchangeForLarge(second, out byte[]? b));
        Assert.False(pool.TryExchangeForLarge(third, out byte[]? none));
        Assert.Null(none);
        Assert.Equal(2, pool.Lent);
        Assert.Equal(Large, a!.Length);

        // What comes back is a buffer the pool took, and the large one is lent again without a new allocation.
        byte[] small = pool.ExchangeForSmall(a);
        Assert.True(ReferenceEquals(small, first) || ReferenceEquals(small, second));
        Assert.True(pool.TryExchangeForLarge(third, out byte[]? again));
        Assert.Same(a, again);
        pool.ExchangeForSmall(b!);
        pool.ExchangeForSmall(again!);
        Assert.Equal(0, pool.Lent);
    }

    [Fact]
    public void ExchangeForSmall_RefusesABufferThatIsNotLarge()
    {
        var pool = new GsoBufferPool(1, Small, Large);
        var error = Assert.Throws<ArgumentException>(() => pool.ExchangeForSmall(new byte[Small]));
        Assert.Contains("is not one of this pool's", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_WithoutAPool_TakesNoGsoFrame()
    {
        var batch = new FrameBatch(2, Small);
        Assert.Equal(0, batch.MaxGsoFrameLength);
        Assert.True(batch.ReserveGso(Small + 1).IsEmpty);
    }

    [Fact]
    public void Batch_OfAnotherSlotLength_IsRefusedThePool()
    {
        var pool = new GsoBufferPool(1, Small, Large);
        Assert.Throws<ArgumentException>(() => new FrameBatch(2, Small - 4, pool));
    }

    [Fact]
    public void Batch_ReservesALargeBuffer_OnlyWhenOneIsFree()
    {
        var pool = new GsoBufferPool(1, Small, Large);
        var batch = new FrameBatch(4, Small, pool);
        Assert.Equal(Large, batch.MaxGsoFrameLength);
        Assert.True(batch.ReserveGso(Large + 1).IsEmpty);
        Assert.Equal(Small, batch.ReserveGso(100).Length);

        Span<byte> room = batch.ReserveGso(40_000);
        Assert.Equal(Large, room.Length);
        batch.Commit(40_000, Offload());
        Assert.True(batch.ReserveGso(40_000).IsEmpty);

        // A frame-sized frame still fits while the one large buffer is lent.
        Assert.False(batch.Reserve().IsEmpty);
        batch.Clear();
        Assert.Equal(0, pool.Lent);
        Assert.False(batch.ReserveGso(40_000).IsEmpty);
        batch.Clear();
        Assert.Equal(0, pool.Lent);
    }

    [Fact]
    public void Ring_CarriesAGsoFrameWithItsHeader_AndTheReceiverGivesTheBufferBack()
    {
        var pool = new GsoBufferPool(4, Small, Large);
        var ring = new FrameRing(8, Small);
        var sent = new FrameBatch(4, Small, pool);
        var received = new FrameBatch(4, Small, pool);

        Span<byte> room = sent.ReserveGso(30_000);
        room[..30_000].Fill(0xA5);
        sent.Commit(30_000, Offload());
        sent.TryAdd([1, 2, 3]);
        ring.Write(sent);
        sent.Clear();
        Assert.Equal(1, pool.Lent);

        Assert.Equal(2, ring.Read(received));
        Assert.Equal(30_000, received[0].Length);
        Assert.True(received[0].IndexOfAnyExcept((byte)0xA5) < 0);
        Assert.True(received.TryGetOffload(0, out VirtioNetHeader offload));
        Assert.Equal(Offload(), offload);
        Assert.False(received.TryGetOffload(1, out _));
        Assert.Equal(new byte[] { 1, 2, 3 }, received[1].ToArray());

        received.Clear();
        Assert.Equal(0, pool.Lent);
    }

    [Fact]
    public void Ring_ReadIntoABatchOfAnotherLength_CopiesAGsoFrameOnlyWhereItFits()
    {
        var pool = new GsoBufferPool(2, Small, Large);
        var ring = new FrameRing(4, Small);
        var sent = new FrameBatch(2, Small, pool);
        sent.ReserveGso(20_000);
        sent.Commit(20_000, Offload());
        ring.Write(sent);
        sent.Clear();

        // A batch of longer slots without large buffers has no room for it: dropped and counted, not thrown.
        var wide = new FrameBatch(2, Small + 100);
        Assert.Equal(0, ring.Read(wide));
        Assert.Equal(1, ring.OversizeDrops);
    }

    private static VirtioNetHeader Offload() => new()
    {
        Flags = VirtioNetFlags.DataValid,
        GsoType = VirtioNetGsoType.TcpV4,
        GsoSize = 1448,
        HeaderLength = 66,
        ChecksumStart = 34,
        ChecksumOffset = VirtioNetHeader.TcpChecksumOffset,
    };
}
