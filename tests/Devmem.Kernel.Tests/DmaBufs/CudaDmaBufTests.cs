using Devmem.Kernel.DmaBufs;
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
        if (!CudaDmaBuf.TryCreate(Size, out CudaDmaBuf? buffer, out string reason))
        {
            Assert.Skip($"CUDA dma-buf export unavailable: {reason}");
        }

        using (buffer)
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
}
