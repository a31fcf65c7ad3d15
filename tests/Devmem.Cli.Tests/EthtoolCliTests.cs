using System.Text.Json;
using Devmem.Kernel.Ethtool;
using Devmem.Kernel.Tests.Ethtool;
using Devmem.Kernel.Tests.Support;

namespace Devmem.Cli.Tests;

/// <summary><c>devmem ethtool ...</c> in-process inside a namespace made for each test, against ethtool and <see cref="EthtoolClient"/>.</summary>
[Collection(nameof(CliCollection))]
public class EthtoolCliTests
{
    [Fact]
    public void ChannelsGet_OnVeth_TableAndJsonAgreeWithEthtoolL()
    {
        EthtoolOracle.Require();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using EthtoolClient client = EthtoolClient.Open(ns.Handle);
        string veth = TestNetworkNamespace.Veth;
        EthtoolChannels expected = EthtoolOracle.Channels(ns, veth);
        Assert.Equal(expected, client.GetChannels(veth));

        CliResult table = CliRunner.RunIn(ns.Handle, "ethtool", "channels-get", "-f", veth);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains($"Channel parameters for {veth}:", table.Output, StringComparison.Ordinal);
        Assert.Matches($@"rx-max:\s+{expected.RxMax}\n", table.Output.Replace("\r", string.Empty, StringComparison.Ordinal));
        Assert.Matches(@"combined-count:\s+n/a", table.Output);

        JsonElement json = CliRunner.RunIn(ns.Handle, "ethtool", "channels-get", "--ifname", veth, "--json").Json();
        Assert.Equal(expected.RxMax, json.GetProperty("rx-max").GetUInt32());
        Assert.Equal(expected.TxMax, json.GetProperty("tx-max").GetUInt32());
        Assert.Equal(expected.RxCount, json.GetProperty("rx-count").GetUInt32());
        Assert.Equal(expected.TxCount, json.GetProperty("tx-count").GetUInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("combined-max").ValueKind);
    }

    [Fact]
    public void RingsGet_OnVethAndLo_IsTheKernelsRefusal()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        foreach (string device in new[] { TestNetworkNamespace.Veth, "lo" })
        {
            CliResult result = CliRunner.RunIn(ns.Handle, "ethtool", "rings-get", "-f", device, "--json");
            Assert.NotEqual(0, result.ExitCode);
            Assert.StartsWith("devmem: EOPNOTSUPP", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownDevice_PrintsENodevAndExitsNonZero()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        CliResult result = CliRunner.RunIn(ns.Handle, "ethtool", "channels-get", "-f", "nosuchdev0");
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("devmem: ENODEV", result.Error, StringComparison.Ordinal);
    }
}
