using System.Net;
using Devmem.Kernel.Ethtool;
using Devmem.Kernel.Tests.Support;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Ethtool;

/// <summary>
/// NicConfiguration on a veth: what veth allows (channels) is applied and restored on Dispose; what it lacks
/// (header split, RSS, flow steering) fails with the kernel's errno and leaves the device as it was.
/// </summary>
public class NicConfigurationLiveTests
{
    [Fact]
    public void Channels_AreAppliedThenRestoredByDispose()
    {
        EthtoolOracle.Require();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        string veth = TestNetworkNamespace.Veth;
        EthtoolChannels before = EthtoolOracle.Channels(ns, veth);

        using (NicConfiguration configuration = NicConfiguration.Apply(
            new NicConfigurationOptions { Device = veth, Channels = new EthtoolChannelsChange(Rx: before.RxMax, Tx: before.TxMax) },
            ns.Handle))
        {
            Assert.Equal(["channels"], configuration.AppliedSteps);
            EthtoolChannels applied = EthtoolOracle.Channels(ns, veth);
            Assert.Equal((before.RxMax, before.TxMax), (applied.RxCount, applied.TxCount));
        }

        Assert.Equal(before, EthtoolOracle.Channels(ns, veth));
    }

    [Fact]
    public void HeaderSplitOnVeth_FailsWithEopnotsupp_AndUndoesTheChannelsStep()
    {
        EthtoolOracle.Require();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        string veth = TestNetworkNamespace.Veth;
        EthtoolChannels before = EthtoolOracle.Channels(ns, veth);

        DevmemException error = Assert.Throws<DevmemException>(() => NicConfiguration.Apply(
            new NicConfigurationOptions { Device = veth, Channels = new EthtoolChannelsChange(Rx: before.RxMax), HeaderSplit = true },
            ns.Handle));

        Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
        Assert.Contains("step 'header split (rings get)'", error.Message, StringComparison.Ordinal);
        Assert.Contains("What to do", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, EthtoolOracle.Channels(ns, veth));
    }

    [Fact]
    public void RssAndFlowSteeringOnVeth_FailWithEopnotsupp()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        string veth = TestNetworkNamespace.Veth;

        DevmemException rss = Assert.Throws<DevmemException>(() => NicConfiguration.Apply(new NicConfigurationOptions { Device = veth, RssQueues = 1 }, ns.Handle));
        Assert.Equal(Errno.EOPNOTSUPP, rss.Errno);
        Assert.Contains("RSS indirection table", rss.Message, StringComparison.Ordinal);

        var flow = new EthtoolFlowRule(IPAddress.Parse("192.0.2.1"), 5201, IPAddress.Parse("192.0.2.2"), 40000, Queue: 1);
        DevmemException steer = Assert.Throws<DevmemException>(() => NicConfiguration.Apply(new NicConfigurationOptions { Device = veth, FlowRule = flow }, ns.Handle));
        Assert.Equal(Errno.EOPNOTSUPP, steer.Errno);
        Assert.Contains("this NIC cannot steer flows", steer.Message, StringComparison.Ordinal);

        DevmemException all = Assert.Throws<DevmemException>(() => NicConfiguration.Apply(NicConfigurationOptions.ForDevmemRx(veth, 1, flow), ns.Handle));
        Assert.Equal(Errno.EOPNOTSUPP, all.Errno);
    }
}
