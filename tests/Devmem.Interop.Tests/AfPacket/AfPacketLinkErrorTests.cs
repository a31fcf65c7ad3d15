using Devmem.Interop.Tests.Support;
using Devmem.Stack.Link.Packet;
using Devmem.Uapi;

namespace Devmem.Interop.Tests.AfPacket;

/// <summary>What opening a packet link says when it cannot.</summary>
public sealed class AfPacketLinkErrorTests
{
    private const int CapNetRaw = 13;

    [Fact]
    public void MissingInterface_IsEnodev()
    {
        using InteropNamespace ns = InteropNamespace.Create();

        DevmemException error = Assert.Throws<DevmemException>(() => ns.Run(() => AfPacketLink.Open("dmnothere")));

        Assert.Equal(Errno.ENODEV, error.Errno);
        Assert.Contains("no interface named 'dmnothere'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutCapNetRaw_IsEpermSayingWhatToRun()
    {
        using InteropNamespace ns = InteropNamespace.Create();

        DevmemException error = Assert.Throws<DevmemException>(() => ns.Run(() =>
        {
            ThreadCapabilities.DropEffective(CapNetRaw);
            return AfPacketLink.Open("lo");
        }));

        Assert.Equal(Errno.EPERM, error.Errno);
        Assert.Contains("needs CAP_NET_RAW: run as root, or try `devmem demo`", error.Message, StringComparison.Ordinal);
    }
}
