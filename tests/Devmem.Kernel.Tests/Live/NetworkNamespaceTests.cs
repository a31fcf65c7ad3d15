using Devmem.Kernel.Namespaces;
using Devmem.Kernel.Tests.Support;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Live;

public class NetworkNamespaceTests
{
    [Fact]
    public void MissingNamespace_IsEnoentWithAdvice()
    {
        DevmemException error = Assert.Throws<DevmemException>(() => NetworkNamespace.Open("dmk-missing-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains("ip netns add", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ExecutesInsideTheNamespace_AndRethrowsOnTheCaller()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        string inside = ns.Handle.Run(() => File.ReadAllText("/proc/thread-self/net/dev"));
        Assert.Contains(TestNetworkNamespace.Tap, inside, StringComparison.Ordinal);
        Assert.DoesNotContain(TestNetworkNamespace.Tap, File.ReadAllText("/proc/thread-self/net/dev"), StringComparison.Ordinal);

        Assert.Throws<InvalidOperationException>(() => ns.Handle.Run<int>(() => throw new InvalidOperationException("inside")));
    }
}
