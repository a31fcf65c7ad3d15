using Devmem.Kernel.Ethtool;
using Devmem.Kernel.Tests.Support;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Ethtool;

/// <summary>
/// rings and channels against the live kernel in a namespace made for each test (veth pair, TAP), with the
/// ethtool program as the oracle.
/// </summary>
public class EthtoolNetlinkLiveTests
{
    [Fact]
    public void ChannelsGet_AgreesWithEthtoolL_OnVethAndTap()
    {
        EthtoolOracle.Require();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using EthtoolClient client = EthtoolClient.Open(ns.Handle);

        foreach (string device in new[] { TestNetworkNamespace.Veth, TestNetworkNamespace.Tap })
        {
            Assert.Equal(EthtoolOracle.Channels(ns, device), client.GetChannels(device));
        }

        // veth: one RX and one TX channel of up to num_rx/tx_queues, no combined ones.
        EthtoolChannels veth = client.GetChannels(TestNetworkNamespace.Veth);
        Assert.Equal((1u, 1u), (veth.RxCount!.Value, veth.TxCount!.Value));
        Assert.Null(veth.CombinedMax);
    }

    [Fact]
    public void RingsGet_OnVethAndTap_IsTheKernelsEopnotsuppLikeEthtoolG()
    {
        EthtoolOracle.Require();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using EthtoolClient client = EthtoolClient.Open(ns.Handle);

        foreach (string device in new[] { TestNetworkNamespace.Veth, TestNetworkNamespace.Tap, "lo" })
        {
            Assert.Contains("Operation not supported", EthtoolOracle.Failure(ns, "-g", device), StringComparison.Ordinal);
            DevmemException error = Assert.Throws<DevmemException>(() => client.GetRings(device));
            Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
            Assert.Contains("no ring parameters", error.Message, StringComparison.Ordinal);

            DevmemException set = Assert.Throws<DevmemException>(() => client.SetRings(device, new EthtoolRingsChange(TcpDataSplit: EthtoolTcpDataSplit.Enabled)));
            Assert.Equal(Errno.EOPNOTSUPP, set.Errno);
        }
    }

    [Fact]
    public void ChannelsSet_OnVeth_WithinMaximaTakesEffect_BeyondIsEinvalNamingTheAttribute()
    {
        EthtoolOracle.Require();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using EthtoolClient client = EthtoolClient.Open(ns.Handle);
        string veth = TestNetworkNamespace.Veth;
        EthtoolChannels before = client.GetChannels(veth);

        client.SetChannels(veth, new EthtoolChannelsChange(Rx: before.RxMax, Tx: before.TxMax));
        EthtoolChannels after = client.GetChannels(veth);
        Assert.Equal((before.RxMax, before.TxMax), (after.RxCount, after.TxCount));
        Assert.Equal(EthtoolOracle.Channels(ns, veth), after);

        DevmemException error = Assert.Throws<DevmemException>(() => client.SetChannels(veth, new EthtoolChannelsChange(Rx: before.RxMax + 1)));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("requested channel count exceeds maximum", error.Message, StringComparison.Ordinal);
        Assert.Contains("rx-count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownDevice_IsEnodev()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using EthtoolClient client = EthtoolClient.Open(ns.Handle);
        DevmemException error = Assert.Throws<DevmemException>(() => client.GetChannels("nosuchdev0"));
        Assert.Equal(Errno.ENODEV, error.Errno);
        Assert.Contains("no device has that name", error.Message, StringComparison.Ordinal);
    }
}
