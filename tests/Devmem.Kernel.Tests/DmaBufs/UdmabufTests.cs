using Devmem.Kernel.DmaBufs;
using Devmem.Kernel.Netdev;
using Devmem.Kernel.Tests.Support;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.DmaBufs;

/// <summary>udmabuf, where /dev/udmabuf exists; elsewhere the reason it does not.</summary>
public class UdmabufTests
{
    [Fact]
    public void Availability_ExplainsItself()
    {
        DmaBufExporterAvailability availability = Udmabuf.CheckAvailability();
        Assert.False(string.IsNullOrWhiteSpace(availability.Reason));
        if (!availability.IsAvailable)
        {
            Assert.False(Udmabuf.TryCreate(1 << 20, out Udmabuf? buffer, out string reason));
            Assert.Null(buffer);
            Assert.Equal(availability.Reason, reason);
            Assert.Contains(Udmabuf.DevicePath, reason, StringComparison.Ordinal);
            Assert.Throws<DevmemException>(() => Udmabuf.Create(1 << 20));
        }
    }

    [Fact]
    public void Create_ExportsADmaBufTheHostCanReadAndWrite()
    {
        using Udmabuf buffer = CreateOrSkip();
        Assert.False(buffer.Fd.IsInvalid);
        Assert.Equal("udmabuf", buffer.Exporter);
        buffer.Write(4096, "payload"u8);
        Assert.Equal("payload"u8.ToArray(), buffer.GetSpan(4096, 7).ToArray());
    }

    [Fact]
    public void Fd_IsADmaBufTheKernelNamesUdmabuf()
    {
        using Udmabuf buffer = CreateOrSkip();
        DmaBufFdInfo info = DmaBufFdInfo.Read(buffer.Fd);
        Assert.Equal(1 << 20, info.Size);
        Assert.Equal("udmabuf", info.ExporterName);
    }

    [Fact]
    public void BindRx_RealDmaBufOnAVeth_IsStillRefusedForLackOfQueueManagement()
    {
        using Udmabuf buffer = CreateOrSkip();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        DevmemException error = Assert.Throws<DevmemException>(() =>
            client.BindRx(ns.Ifindex(TestNetworkNamespace.Veth), buffer.Fd, [NetdevQueueId.Rx(0)]));
        Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
    }

    private static Udmabuf CreateOrSkip()
    {
        if (!Udmabuf.TryCreate(1 << 20, out Udmabuf? buffer, out string reason))
        {
            Assert.Skip($"udmabuf unavailable: {reason}");
        }

        return buffer;
    }
}
