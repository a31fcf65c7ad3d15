using System.Globalization;
using Devmem.Kernel.Netdev;
using Devmem.Kernel.Tests.Support;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Live;

/// <summary>
/// netdev queries from inside a namespace made for each test (lo, a veth pair, a TAP), checked against
/// <c>ip link</c> and the namespace's own sysfs.
/// </summary>
public class NetdevNamespaceTests
{
    [Fact]
    public void DevGet_AgreesWithIpLinkAndSysfs()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);

        IReadOnlyList<NetdevDevice> devices = client.DumpDevices();
        Assert.Equal(ns.Ifindexes().Order(), devices.Select(d => d.Ifindex).Order());
        foreach (string name in TestNetworkNamespace.Devices)
        {
            int ifindex = ns.Ifindex(name);
            Assert.Equal(ns.SysfsIfindex(name), ifindex);
            Assert.Equal(devices.Single(d => d.Ifindex == ifindex), client.GetDevice(ifindex));
        }

        // veth implements XDP (basic, redirect); loopback none: the features are the driver's.
        Assert.True(client.GetDevice(ns.Ifindex(TestNetworkNamespace.Veth)).XdpFeatures.HasFlag(NetdevXdpFeatures.Basic));
        Assert.Equal(NetdevXdpFeatures.None, client.GetDevice(ns.Ifindex("lo")).XdpFeatures);
    }

    [Fact]
    public void QueueGet_AgreesWithSysfsQueuesAndIpLinkQueueCounts()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);

        foreach (string name in TestNetworkNamespace.Devices)
        {
            int ifindex = ns.Ifindex(name);
            IReadOnlyList<NetdevQueue> queues = client.DumpQueues(ifindex);
            NetdevRootNamespaceTests.AssertQueuesMatch(ns.SysfsQueues(name), queues, ifindex);

            int rx = queues.Count(q => q.Type == NetdevQueueType.Rx);
            int tx = queues.Count(q => q.Type == NetdevQueueType.Tx);
            Assert.True(rx <= ns.Link(name).GetProperty("num_rx_queues").GetInt32());
            Assert.True(tx <= ns.Link(name).GetProperty("num_tx_queues").GetInt32());
            foreach (NetdevQueue queue in queues)
            {
                Assert.Equal(queue, client.GetQueue(ifindex, queue.Type, queue.Id));
                Assert.Null(queue.DmabufId);
            }

            Assert.Equal(Errno.EINVAL, Assert.Throws<DevmemException>(() => client.GetQueue(ifindex, NetdevQueueType.Tx, (uint)tx)).Errno);
        }

        // The namespace-wide dump is the union of the per-device ones.
        Assert.Equal(
            TestNetworkNamespace.Devices.Sum(name => client.DumpQueues(ns.Ifindex(name)).Count),
            client.DumpQueues().Count);
    }

    [Fact]
    public void QueueGet_OnADeviceThatIsDown_IsEnoentWithAdvice()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        Ip.Run("-n", ns.Name, "link", "set", TestNetworkNamespace.Tap, "down");

        int tap = ns.Ifindex(TestNetworkNamespace.Tap);
        Assert.Empty(client.DumpQueues(tap));
        DevmemException error = Assert.Throws<DevmemException>(() => client.GetQueue(tap, NetdevQueueType.Rx, 0));
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains("the device is down", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NapiGet_NoneForLoAndTap_VethWithGroAndThreadedPollingMatchesItsKernelThread()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        foreach (string name in new[] { "lo", TestNetworkNamespace.Tap })
        {
            int ifindex = ns.Ifindex(name);
            Assert.Empty(client.DumpNapis(ifindex));
            Assert.All(client.DumpQueues(ifindex), queue => Assert.Null(queue.NapiId));
        }

        if (!Ip.Exists("ethtool"))
        {
            Assert.Skip("ethtool is not installed: veth gets NAPI instances only with GRO on (ethtool -K DEV gro on); install ethtool (scripts/test.sh should) to check napi-get on them.");
        }

        // veth polls with NAPI once GRO is on; threaded polling then gives each instance a kernel thread
        // named napi/DEV-ID (net/core/dev.c: napi_kthread_create).
        string veth = TestNetworkNamespace.Veth;
        ns.Exec("ethtool", "-K", veth, "gro", "on");
        ns.Exec("sh", "-c", $"echo 1 > /sys/class/net/{veth}/threaded");
        int vethIndex = ns.Ifindex(veth);
        IReadOnlyList<NetdevNapi> napis = client.DumpNapis(vethIndex);

        Assert.Equal(ns.SysfsQueues(veth).Count(q => q.StartsWith("rx-", StringComparison.Ordinal)), napis.Count);
        foreach (NetdevNapi napi in napis)
        {
            NetdevNapi single = client.GetNapi(napi.Id);
            Assert.Equal(napi, single);
            Assert.Equal(vethIndex, single.Ifindex);
            Assert.Equal(NetdevNapiThreaded.Enabled, single.Threaded);
            Assert.NotNull(single.Pid);
            string comm = File.ReadAllText($"/proc/{single.Pid}/comm").Trim();
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"napi/{veth}-{single.Id}"), comm);
        }
    }

    [Fact]
    public void PagePoolAndQstats_DescribeOnlyThisNamespacesDevices()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        IReadOnlySet<int> ifindexes = ns.Ifindexes();

        Assert.All(client.DumpPagePools(), pool => Assert.True(pool.Ifindex is null || ifindexes.Contains(pool.Ifindex.Value)));
        Assert.All(client.DumpQueueStats(), stats => Assert.Contains(stats.Ifindex, ifindexes));
        Assert.All(client.DumpQueueStats(scope: NetdevQstatsScope.Queue), stats => Assert.Contains(stats.Ifindex, ifindexes));
    }
}
