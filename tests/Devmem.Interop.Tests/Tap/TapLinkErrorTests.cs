using Devmem.Interop.Tests.Support;
using Devmem.Stack.Link.Tap;
using Devmem.Uapi;

namespace Devmem.Interop.Tests.Tap;

/// <summary>What opening a TAP says when it cannot: each refusal carries the errno and what to do.</summary>
public sealed class TapLinkErrorTests
{
    [Fact]
    public void WithoutCapNetAdmin_IsEpermSayingWhatToRun()
    {
        using InteropNamespace ns = InteropNamespace.Create();

        DevmemException error = Assert.Throws<DevmemException>(() => ns.Run(() =>
        {
            ThreadCapabilities.DropEffective(ThreadCapabilities.NetAdmin);
            return TapLink.Open(new TapLinkOptions { Name = "dmtapperm" });
        }));

        Assert.Equal(Errno.EPERM, error.Errno);
        Assert.Contains("needs CAP_NET_ADMIN: run as root, or try `devmem demo`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NameOfAVethDevice_IsEinvalSayingItIsNotATap()
    {
        using InteropNamespace ns = InteropNamespace.Create();
        ns.Ip("link", "add", "dmveth0", "type", "veth", "peer", "name", "dmveth1");

        DevmemException error = Assert.Throws<DevmemException>(() => ns.Run(() => TapLink.Open(new TapLinkOptions { Name = "dmveth0" })));

        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("exists but is not a single-queue TAP device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDeviceThatMustExist_IsEnodevWithTheCommandToCreateIt()
    {
        using InteropNamespace ns = InteropNamespace.Create();

        DevmemException error = Assert.Throws<DevmemException>(() => ns.Run(() => TapLink.Open(new TapLinkOptions { Name = "dmnotap", MustExist = true })));

        Assert.Equal(Errno.ENODEV, error.Errno);
        Assert.Contains("ip tuntap add mode tap name dmnotap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExistingTap_IsAttachedAndBroughtUp_AndAKernelChosenNameIsReported()
    {
        using InteropNamespace ns = InteropNamespace.Create();
        ns.Ip("tuntap", "add", "mode", "tap", "name", "dmtap9");

        using (TapLink attached = ns.Run(() => TapLink.Open(new TapLinkOptions { Name = "dmtap9", MustExist = true })))
        {
            Assert.Equal("dmtap9", attached.Name);
            Assert.True(attached.Ifindex > 0);
            Assert.Contains("UP", ns.Ip("link", "show", "dmtap9"), StringComparison.Ordinal);
        }

        using TapLink created = ns.Run(() => TapLink.Open());
        Assert.StartsWith("tap", created.Name, StringComparison.Ordinal);
        Assert.Contains(created.Name, ns.Ip("link", "show"), StringComparison.Ordinal);
    }
}
