using System.Globalization;
using Devmem.Kernel.Netdev;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Live;

/// <summary>netdev queries in the test process's own namespace, checked against sysfs (no privileges needed).</summary>
public class NetdevRootNamespaceTests
{
    [Fact]
    public void DevGet_ListsEveryInterfaceSysfsHas_AndLoByItsIfindex()
    {
        using NetdevClient client = NetdevClient.Open();
        HashSet<int> sysfs = Directory.GetDirectories("/sys/class/net").Select(path => SysfsIfindex(Path.GetFileName(path))).ToHashSet();
        IReadOnlyList<NetdevDevice> devices = client.DumpDevices();

        Assert.Equal(sysfs.Order(), devices.Select(d => d.Ifindex).Order());
        int lo = SysfsIfindex("lo");
        NetdevDevice device = client.GetDevice(lo);
        Assert.Equal(devices.Single(d => d.Ifindex == lo), device);
    }

    [Fact]
    public void QueueGet_LoMatchesSysfsQueues()
    {
        using NetdevClient client = NetdevClient.Open();
        int lo = SysfsIfindex("lo");
        string[] sysfs = Directory.GetDirectories("/sys/class/net/lo/queues").Select(Path.GetFileName).ToArray()!;
        IReadOnlyList<NetdevQueue> queues = client.DumpQueues(lo);

        AssertQueuesMatch(sysfs, queues, lo);
        foreach (NetdevQueue queue in queues)
        {
            Assert.Equal(queue, client.GetQueue(lo, queue.Type, queue.Id));
        }

        int rxCount = queues.Count(q => q.Type == NetdevQueueType.Rx);
        DevmemException error = Assert.Throws<DevmemException>(() => client.GetQueue(lo, NetdevQueueType.Rx, (uint)rxCount));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("not below the device's active queue count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NapiGet_EveryDumpedInstanceAnswersByIdAndBelongsToAnInterface()
    {
        using NetdevClient client = NetdevClient.Open();
        HashSet<int> sysfs = Directory.GetDirectories("/sys/class/net").Select(path => SysfsIfindex(Path.GetFileName(path))).ToHashSet();
        foreach (NetdevNapi napi in client.DumpNapis())
        {
            Assert.Contains(napi.Ifindex, sysfs);
            NetdevNapi single = client.GetNapi(napi.Id);
            Assert.Equal((napi.Ifindex, napi.Id, napi.Irq), (single.Ifindex, single.Id, single.Irq));
        }

        DevmemException error = Assert.Throws<DevmemException>(() => client.GetNapi(uint.MaxValue));
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains("attribute id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PagePoolGet_EveryDumpedPoolAnswersById()
    {
        using NetdevClient client = NetdevClient.Open();
        foreach (NetdevPagePool pool in client.DumpPagePools())
        {
            Assert.Equal(pool.Id, client.GetPagePool(pool.Id).Id);
        }

        Assert.Equal(Errno.ENOENT, Assert.Throws<DevmemException>(() => client.GetPagePool(uint.MaxValue)).Errno);
    }

    [Fact]
    public void QstatsGet_LoKeepsNoQueueStatistics_OthersReportConsistentRecords()
    {
        using NetdevClient client = NetdevClient.Open();
        int lo = SysfsIfindex("lo");
        DevmemException error = Assert.Throws<DevmemException>(() => client.DumpQueueStats(lo));
        Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
        Assert.Contains("no per-queue statistics", error.Message, StringComparison.Ordinal);

        foreach (NetdevQueueStats device in client.DumpQueueStats())
        {
            Assert.Null(device.QueueId);
            IReadOnlyList<NetdevQueueStats> perQueue = client.DumpQueueStats(device.Ifindex, NetdevQstatsScope.Queue);
            Assert.All(perQueue, queue => Assert.Equal(device.Ifindex, queue.Ifindex));
            Assert.All(perQueue, queue => Assert.NotNull(queue.QueueId));
        }
    }

    [Fact]
    public void UnknownIfindex_IsEnodevWithAdvice()
    {
        using NetdevClient client = NetdevClient.Open();
        DevmemException error = Assert.Throws<DevmemException>(() => client.GetDevice(int.MaxValue));
        Assert.Equal(Errno.ENODEV, error.Errno);
        Assert.Contains("ifindexes are per namespace", error.Message, StringComparison.Ordinal);
    }

    internal static void AssertQueuesMatch(IReadOnlyCollection<string> sysfs, IReadOnlyList<NetdevQueue> queues, int ifindex)
    {
        Assert.All(queues, queue => Assert.Equal(ifindex, queue.Ifindex));
        foreach ((NetdevQueueType type, string prefix) in new[] { (NetdevQueueType.Rx, "rx-"), (NetdevQueueType.Tx, "tx-") })
        {
            uint[] expected = sysfs.Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
                .Select(name => uint.Parse(name[prefix.Length..], CultureInfo.InvariantCulture)).Order().ToArray();
            uint[] actual = queues.Where(q => q.Type == type).Select(q => q.Id).Order().ToArray();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, actual);
        }
    }

    private static int SysfsIfindex(string device) =>
        int.Parse(File.ReadAllText($"/sys/class/net/{device}/ifindex").Trim(), CultureInfo.InvariantCulture);
}
