using System.Net;
using Devmem.Kernel.Ethtool;
using Devmem.Kernel.Tests.Support;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Ethtool;

/// <summary>
/// Flow steering and RSS through SIOCETHTOOL against the live kernel: veth and TAP have neither, and the
/// refusal must be the kernel's errno with advice, as <c>ethtool -N/-n/-x</c> get it.
/// </summary>
public class EthtoolIoctlLiveTests
{
    private static readonly EthtoolFlowRule Flow = new(IPAddress.Parse("192.0.2.1"), 5201, null, null, Queue: 0);

    [Fact]
    public void FlowRules_OnVethAndTap_AreEopnotsuppSayingTheNicCannotSteer()
    {
        EthtoolOracle.Require();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using EthtoolIoctl ioctl = EthtoolIoctl.Open(ns.Handle);

        foreach (string device in new[] { TestNetworkNamespace.Veth, TestNetworkNamespace.Tap })
        {
            Assert.Contains("Operation not supported", EthtoolOracle.Failure(ns, "-n", device), StringComparison.Ordinal);
            AssertCannotSteer(() => ioctl.InsertFlowRule(device, Flow));
            AssertCannotSteer(() => ioctl.InsertFlowRule(device, Flow with { Location = 0 }));
            AssertCannotSteer(() => ioctl.GetFlowRules(device));
            AssertCannotSteer(() => ioctl.DeleteFlowRule(device, 0));
            AssertCannotSteer(() => ioctl.GetRxRingCount(device));
        }
    }

    [Fact]
    public void RssIndirection_OnVeth_IsEopnotsuppLikeEthtoolX()
    {
        EthtoolOracle.Require();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using EthtoolIoctl ioctl = EthtoolIoctl.Open(ns.Handle);
        string veth = TestNetworkNamespace.Veth;

        Assert.Contains("Operation not supported", EthtoolOracle.Failure(ns, "-x", veth), StringComparison.Ordinal);
        foreach (Action call in new Action[]
        {
            () => ioctl.GetRssIndirection(veth),
            () => ioctl.SetRssEqual(veth, 1),
            () => ioctl.SetRssIndirection(veth, [0, 0]),
            () => ioctl.ResetRssIndirection(veth),
        })
        {
            DevmemException error = Assert.Throws<DevmemException>(call);
            Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
            Assert.Contains("RSS indirection table", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownDevice_IsEnodev()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using EthtoolIoctl ioctl = EthtoolIoctl.Open(ns.Handle);
        DevmemException error = Assert.Throws<DevmemException>(() => ioctl.GetRssIndirection("nosuchdev0"));
        Assert.Equal(Errno.ENODEV, error.Errno);
    }

    private static void AssertCannotSteer(Action call)
    {
        DevmemException error = Assert.Throws<DevmemException>(call);
        Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
        Assert.Contains("this NIC cannot steer flows", error.Message, StringComparison.Ordinal);
    }
}
