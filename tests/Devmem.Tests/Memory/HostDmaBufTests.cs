using System.Runtime.CompilerServices;
using Devmem.Memory;

namespace Devmem.Tests.Memory;

public sealed class HostDmaBufTests
{
    [Fact]
    public unsafe void HostDmaBuf_NewMemory_IsPageAlignedAndZeroed()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(4 * Page.Size);

        Span<byte> all = dmaBuf.GetSpan(0, (int)dmaBuf.Size);
        Assert.Equal(0, (nint)Unsafe.AsPointer(ref all[0]) % Page.Size);
        Assert.True(dmaBuf.IsHostVisible);
        Assert.Equal(-1, all.IndexOfAnyExcept((byte)0));
        leaks.AssertNoLeaks();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4096)]
    [InlineData(100)]
    [InlineData(4097)]
    [InlineData(6144)]
    public void HostDmaBuf_SizeNotPositiveMultipleOfPage_ThrowsSayingSo(long size)
    {
        using var leaks = MemoryLeakScope.Begin();

        var error = Assert.Throws<ArgumentException>(() => new HostDmaBuf(size));

        Assert.Equal("size", error.ParamName);
        Assert.Contains("positive multiple of 4096", error.Message, StringComparison.Ordinal);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void DmaBuf_Write_IsSeenByReadAndGetSpan()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(2 * Page.Size, "round-trip");
        byte[] payload = [1, 2, 3, 4, 5, 6, 7];
        var back = new byte[payload.Length];

        dmaBuf.Write(Page.Size - 3, payload);
        dmaBuf.Read(Page.Size - 3, back);

        Assert.Equal(payload, back);
        Assert.Equal(payload, dmaBuf.GetSpan(Page.Size - 3, payload.Length).ToArray());
        leaks.AssertNoLeaks();
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, -1)]
    [InlineData(8192, 1)]
    [InlineData(8191, 2)]
    [InlineData(8193, 0)]
    [InlineData(long.MaxValue, 1)]
    public void DmaBuf_RangeOutsideRegion_ThrowsForEveryAccess(long offset, int length)
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(2 * Page.Size);
        var buffer = new byte[Math.Max(length, 0)];

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => dmaBuf.GetSpan(offset, length));
        Assert.Contains("outside dma-buf", error.Message, StringComparison.Ordinal);
        if (length >= 0)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => dmaBuf.Write(offset, buffer));
            Assert.Throws<ArgumentOutOfRangeException>(() => dmaBuf.Read(offset, buffer));
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public void DmaBuf_EmptyRangeAtEnd_IsInside()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(Page.Size);

        Assert.True(dmaBuf.GetSpan(Page.Size, 0).IsEmpty);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void DmaBuf_Disposed_IsFreedAndRefusesAccess()
    {
        using var leaks = MemoryLeakScope.Begin();
        var dmaBuf = new HostDmaBuf(Page.Size);

        dmaBuf.Dispose();
        dmaBuf.Dispose();

        Assert.True(dmaBuf.IsFreed);
        Assert.Throws<ObjectDisposedException>(() => dmaBuf.GetSpan(0, 1));
        Assert.Throws<ObjectDisposedException>(() => dmaBuf.Write(0, [1]));
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void DmaBuf_DeviceMemory_RefusesGetSpanButCopiesThroughWriteAndRead()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new DeviceOnlyDmaBuf(Page.Size, "gpu-like");
        var back = new byte[3];

        dmaBuf.Write(10, [7, 8, 9]);
        dmaBuf.Read(10, back);

        Assert.Equal([7, 8, 9], back);
        var error = Assert.Throws<InvalidOperationException>(() => dmaBuf.GetSpan(0, 1));
        Assert.Contains("device memory", error.Message, StringComparison.Ordinal);
        Assert.Contains("Read and Write", error.Message, StringComparison.Ordinal);
        leaks.AssertNoLeaks();
    }
}
