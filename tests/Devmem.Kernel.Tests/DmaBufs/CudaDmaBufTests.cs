using Devmem.Kernel.DmaBufs;
using Devmem.Kernel.Netdev;
using Devmem.Kernel.Tests.Support;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.DmaBufs;

/// <summary>GPU memory exported through the CUDA driver, where a GPU exists; elsewhere the reason it does not.</summary>
public class CudaDmaBufTests
{
    private const long Size = 2 << 20;

    [Fact]
    public void Availability_ExplainsItself()
    {
        DmaBufExporterAvailability availability = CudaDmaBuf.CheckAvailability();
        Assert.False(string.IsNullOrWhiteSpace(availability.Reason));
        if (!availability.IsAvailable)
        {
            Assert.False(CudaDmaBuf.TryCreate(Size, out CudaDmaBuf? buffer, out string reason));
            Assert.Null(buffer);
            Assert.Equal(availability.Reason, reason);
            Assert.Equal(Errno.ENODEV, Assert.Throws<DevmemException>(() => CudaDmaBuf.Create(Size)).Errno);
        }
    }

    [Fact]
    public void Create_ExportsGpuMemoryThatTheCopyEngineReadsBack()
    {
        using (CudaDmaBuf buffer = CreateOrSkip())
        {
            Assert.False(buffer.IsHostVisible);
            Assert.False(buffer.Fd.IsInvalid);
            byte[] pattern = Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray();
            buffer.Write(Size - pattern.Length, pattern);
            byte[] back = new byte[pattern.Length];
            buffer.Read(Size - pattern.Length, back);
            Assert.Equal(pattern, back);
            Assert.Throws<InvalidOperationException>(() => buffer.GetSpan(0, 16));
        }
    }

    [Fact]
    public void Fd_IsADmaBufOfTheWholeAllocation()
    {
        using CudaDmaBuf buffer = CreateOrSkip();
        DmaBufFdInfo info = DmaBufFdInfo.Read(buffer.Fd);
        Assert.Equal(Size, info.Size);
        Assert.False(string.IsNullOrEmpty(info.ExporterName));
    }

    [Fact]
    public void BindRx_GpuDmaBufOnAVeth_IsRefusedForLackOfQueueManagement()
    {
        using CudaDmaBuf buffer = CreateOrSkip();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        DevmemException error = Assert.Throws<DevmemException>(() =>
            client.BindRx(ns.Ifindex(TestNetworkNamespace.Veth), buffer.Fd, [NetdevQueueId.Rx(0)]));

        // netdev_nl_bind_rx_doit refuses veth before it attaches the dma-buf; the GPU memory stays usable.
        Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
        buffer.Write(0, [1, 2, 3]);
        byte[] back = new byte[3];
        buffer.Read(0, back);
        Assert.Equal([1, 2, 3], back);
    }

    [Fact]
    public void Dispose_GivesTheGpuMemoryBack()
    {
        using (CreateOrSkip())
        {
        }

        const long Gib = 1L << 30;
        long before = CudaDmaBuf.GetMemoryInfo().Free;
        for (int round = 0; round < 4; round++)
        {
            using CudaDmaBuf buffer = CudaDmaBuf.Create(Gib);
            buffer.Write(Gib - 1, [0xA5]);
            Assert.True(CudaDmaBuf.GetMemoryInfo().Free <= before - Gib, "a 1 GiB buffer should take 1 GiB of the GPU's memory");
        }

        // Other processes may allocate meanwhile; ours must not keep what it freed (the driver's own slack is small).
        Assert.True(CudaDmaBuf.GetMemoryInfo().Free >= before - (64L << 20), "freed buffers should give their GPU memory back");
    }

    private static CudaDmaBuf CreateOrSkip()
    {
        if (!CudaDmaBuf.TryCreate(Size, out CudaDmaBuf? buffer, out string reason))
        {
            Assert.Skip($"CUDA dma-buf export unavailable: {reason}");
        }

        return buffer;
    }
}
