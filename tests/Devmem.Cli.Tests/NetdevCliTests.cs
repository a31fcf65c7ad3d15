using System.Globalization;
using System.Text.Json;
using Devmem.Kernel.Netdev;
using Devmem.Kernel.Tests.Support;

namespace Devmem.Cli.Tests;

/// <summary>
/// <c>devmem netdev ...</c> run in-process inside a namespace made for each test (lo, a veth pair, a TAP):
/// tables name the expected fields, <c>--json</c> agrees with <see cref="NetdevClient"/>.
/// </summary>
[Collection(nameof(CliCollection))]
public class NetdevCliTests
{
    [Fact]
    public void DevGet_TableAndJson_ListEveryDeviceOfTheNamespace()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        IReadOnlyList<NetdevDevice> devices = client.DumpDevices();

        CliResult table = CliRunner.RunIn(ns.Handle, "netdev", "dev-get");
        Assert.StartsWith("ifindex  xdp-features", table.Output, StringComparison.Ordinal);
        Assert.Equal(ns.Ifindexes().Order(), table.Rows().Select(row => int.Parse(row[0], CultureInfo.InvariantCulture)).Order());

        JsonElement json = CliRunner.RunIn(ns.Handle, "netdev", "dev-get", "--json").Json();
        Assert.Equal(devices.Count, json.GetArrayLength());
        foreach ((NetdevDevice device, JsonElement element) in devices.Zip(json.EnumerateArray()))
        {
            Assert.Equal(device.Ifindex, element.GetProperty("ifindex").GetInt32());
            Assert.Equal(device.XdpFeatures.ToString(), element.GetProperty("xdp-features").GetString());
            Assert.Equal(device.XdpZeroCopyMaxSegments, element.GetProperty("xdp-zero-copy-max-segments").GetUInt32());
        }
    }

    [Fact]
    public void DevGet_OneIfindex_IsOneObject_ForLoAndVeth()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        foreach (string name in new[] { "lo", TestNetworkNamespace.Veth })
        {
            int ifindex = ns.Ifindex(name);
            string index = ifindex.ToString(CultureInfo.InvariantCulture);
            JsonElement json = CliRunner.RunIn(ns.Handle, "netdev", "dev-get", "--ifindex", index, "--json").Json();
            Assert.Equal(JsonValueKind.Object, json.ValueKind);
            Assert.Equal(ifindex, json.GetProperty("ifindex").GetInt32());
            Assert.Equal(client.GetDevice(ifindex).XdpFeatures.ToString(), json.GetProperty("xdp-features").GetString());

            IReadOnlyList<string[]> rows = CliRunner.RunIn(ns.Handle, "netdev", "dev-get", "--ifindex", index).Rows();
            Assert.Equal(index, Assert.Single(rows)[0]);
        }
    }

    [Fact]
    public void QueueGet_ForLoAndVeth_AgreesWithNetdevClient()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        foreach (string name in new[] { "lo", TestNetworkNamespace.Veth })
        {
            int ifindex = ns.Ifindex(name);
            string index = ifindex.ToString(CultureInfo.InvariantCulture);
            IReadOnlyList<NetdevQueue> queues = client.DumpQueues(ifindex);

            JsonElement json = CliRunner.RunIn(ns.Handle, "netdev", "queue-get", "--ifindex", index, "--json").Json();
            Assert.Equal(
                queues.Select(q => (q.Ifindex, q.Type.ToString(), q.Id)),
                json.EnumerateArray().Select(e => (e.GetProperty("ifindex").GetInt32(), e.GetProperty("type").GetString()!, e.GetProperty("id").GetUInt32())));

            CliResult table = CliRunner.RunIn(ns.Handle, "netdev", "queue-get", "--ifindex", index);
            Assert.StartsWith("ifindex  type  id  napi-id  dmabuf", table.Output, StringComparison.Ordinal);
            Assert.Equal(queues.Select(q => $"{q.Type} {q.Id}"), table.Rows().Select(row => $"{row[1]} {row[2]}"));
        }
    }

    [Fact]
    public void NapiGet_PagePoolGet_QstatsGet_AgreeWithNetdevClient()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        string veth = ns.Ifindex(TestNetworkNamespace.Veth).ToString(CultureInfo.InvariantCulture);

        // veth has NAPI instances only with GRO on; off (the default) the kernel lists none.
        Assert.Equal(client.DumpNapis(ns.Ifindex(TestNetworkNamespace.Veth)).Count, CliRunner.RunIn(ns.Handle, "netdev", "napi-get", "--ifindex", veth, "--json").Json().GetArrayLength());
        Assert.Contains("no NAPI instances", CliRunner.RunIn(ns.Handle, "netdev", "napi-get", "--ifindex", veth).Output, StringComparison.Ordinal);

        Assert.Equal(client.DumpPagePools().Count, CliRunner.RunIn(ns.Handle, "netdev", "page-pool-get", "--json").Json().GetArrayLength());
        Assert.Equal(0, CliRunner.RunIn(ns.Handle, "netdev", "page-pool-get").ExitCode);

        IReadOnlyList<NetdevQueueStats> stats = client.DumpQueueStats();
        JsonElement json = CliRunner.RunIn(ns.Handle, "netdev", "qstats-get", "--json").Json();
        Assert.Equal(stats.Select(s => s.Ifindex), json.EnumerateArray().Select(e => e.GetProperty("ifindex").GetInt32()));
        Assert.Equal(0, CliRunner.RunIn(ns.Handle, "netdev", "qstats-get", "--per-queue").ExitCode);
    }

    [Fact]
    public void UnknownIfindex_PrintsAClearErrorAndExitsNonZero()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        foreach (string[] args in new[]
        {
            new[] { "netdev", "dev-get", "--ifindex", "999999" },
            ["netdev", "queue-get", "--ifindex", "999999"],
            ["netdev", "napi-get", "--ifindex", "999999", "--json"],
        })
        {
            CliResult result = CliRunner.RunIn(ns.Handle, args);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Empty(result.Output);
            Assert.StartsWith("devmem: ENODEV", result.Error, StringComparison.Ordinal);
            Assert.Contains("no device has that ifindex", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void QueueGet_WithoutIfindex_IsAUsageError()
    {
        CliResult result = CliRunner.Run("netdev", "queue-get");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--ifindex", result.Error, StringComparison.Ordinal);
    }
}
