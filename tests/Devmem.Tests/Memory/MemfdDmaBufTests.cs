using System.Runtime.InteropServices;
using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Tests.Memory;

public sealed class MemfdDmaBufTests
{
    [Fact]
    public void Memfd_WritesThroughOneMapping_AreSeenThroughASecondOpenedFromItsFd()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var exporter = new MemfdDmaBuf(4 * Page.Size, "exporter");
        using var importer = MemfdDmaBuf.Open(exporter.Fd, exporter.Size, "importer");

        exporter.Write(3 * Page.Size + 5, [0xde, 0xad]);
        importer.GetSpan(17, 1)[0] = 0x42;

        Assert.Equal([0xde, 0xad], importer.GetSpan(3 * Page.Size + 5, 2).ToArray());
        Assert.Equal(0x42, exporter.GetSpan(17, 1)[0]);
        Assert.True(importer.IsHostVisible);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Memfd_Open_DuplicatesTheDescriptor_SoEachSideClosesItsOwn()
    {
        using var leaks = MemoryLeakScope.Begin();
        var exporter = new MemfdDmaBuf(Page.Size);
        using MemfdDmaBuf importer = MemfdDmaBuf.Open(exporter.Fd, Page.Size);
        Assert.NotEqual(exporter.Fd.DangerousGetHandle(), importer.Fd.DangerousGetHandle());

        exporter.GetSpan(0, 1)[0] = 9;
        exporter.Dispose();

        Assert.True(exporter.Fd.IsClosed);
        Assert.False(importer.Fd.IsClosed);
        Assert.Equal(9, importer.GetSpan(0, 1)[0]);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Memfd_SealedAgainstShrink_FtruncateSmallerFailsWithEperm()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new MemfdDmaBuf(2 * Page.Size);

        int result = MemfdSyscalls.Ftruncate(dmaBuf.Fd, Page.Size);
        int errno = Marshal.GetLastPInvokeError();

        Assert.Equal(-1, result);
        Assert.Equal((int)Errno.EPERM, errno);
        Assert.NotEqual(0, MemfdSyscalls.GetSeals(dmaBuf.Fd) & MemfdSyscalls.F_SEAL_SHRINK);
        Assert.Equal(2 * Page.Size, RandomAccess.GetLength(dmaBuf.Fd));
        var error = Assert.Throws<DevmemException>(() => MemfdSyscalls.Truncate(dmaBuf.Fd, 0));
        Assert.Equal(Errno.EPERM, error.Errno);
        Assert.Contains("ftruncate", error.Message, StringComparison.Ordinal);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Memfd_Open_WithoutShrinkSeal_IsRefused()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var unsealed = MemfdSyscalls.CreateMemfd("unsealed");
        MemfdSyscalls.Truncate(unsealed, Page.Size);

        var error = Assert.Throws<ArgumentException>(() => MemfdDmaBuf.Open(unsealed, Page.Size));

        Assert.Contains("F_SEAL_SHRINK", error.Message, StringComparison.Ordinal);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Memfd_Open_MoreThanTheFileHolds_IsRefused()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var exporter = new MemfdDmaBuf(Page.Size);

        var error = Assert.Throws<ArgumentException>(() => MemfdDmaBuf.Open(exporter.Fd, 2 * Page.Size));

        Assert.Contains("holds 4096 bytes", error.Message, StringComparison.Ordinal);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Memfd_Open_OfAnOrdinaryFile_ReportsErrno()
    {
        using var leaks = MemoryLeakScope.Begin();
        string path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);

            var error = Assert.Throws<DevmemException>(() => MemfdDmaBuf.Open(file, Page.Size));

            Assert.Equal(Errno.EINVAL, error.Errno);
            Assert.Contains("F_GET_SEALS", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }

        leaks.AssertNoLeaks();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4095)]
    public void Memfd_SizeNotPositiveMultipleOfPage_ThrowsSayingSo(long size)
    {
        using var leaks = MemoryLeakScope.Begin();

        var error = Assert.Throws<ArgumentException>(() => new MemfdDmaBuf(size));

        Assert.Contains("positive multiple of 4096", error.Message, StringComparison.Ordinal);
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Memfd_BoundForRx_GivesChunksAnotherProcessCouldSee()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var exporter = new MemfdDmaBuf(2 * Page.Size);
        using var peer = MemfdDmaBuf.Open(exporter.Fd, exporter.Size);
        using var binding = new DmaBufBinding(exporter, BindingDirection.Rx);
        using var pool = new PagePool(binding);

        Assert.True(pool.TryAllocate(out NetIov? netIov));
        netIov.Span[100] = 0x5a;
        Assert.Equal(0x5a, peer.GetSpan(netIov.DmaBufOffset + 100, 1)[0]);
        netIov.Put();

        leaks.AssertNoLeaks();
    }
}
