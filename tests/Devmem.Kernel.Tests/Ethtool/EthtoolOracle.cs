using System.Globalization;
using Devmem.Kernel.Ethtool;
using Devmem.Kernel.Tests.Support;

namespace Devmem.Kernel.Tests.Ethtool;

/// <summary>Runs the ethtool program inside a test namespace and reads its output, the oracle for the typed results.</summary>
internal static class EthtoolOracle
{
    /// <summary>Skips the test when ethtool is not installed (scripts/test.sh installs it).</summary>
    public static void Require()
    {
        if (!Ip.Exists("ethtool"))
        {
            Assert.Skip("ethtool is not installed; scripts/test.sh installs it as the oracle for these tests.");
        }
    }

    /// <summary><c>ethtool -l DEV</c>, parsed: "Pre-set maximums" and "Current hardware settings"; n/a is null.</summary>
    public static EthtoolChannels Channels(TestNetworkNamespace ns, string device)
    {
        var maxima = new Dictionary<string, uint?>();
        var current = new Dictionary<string, uint?>();
        Dictionary<string, uint?>? section = null;
        foreach (string line in ns.Exec("ethtool", "-l", device).Split('\n'))
        {
            if (line.StartsWith("Pre-set maximums", StringComparison.Ordinal))
            {
                section = maxima;
            }
            else if (line.StartsWith("Current hardware settings", StringComparison.Ordinal))
            {
                section = current;
            }
            else if (section is not null && line.Split(':', 2) is [string key, string value])
            {
                string text = value.Trim();
                section[key.Trim()] = text == "n/a" ? null : uint.Parse(text, CultureInfo.InvariantCulture);
            }
        }

        return new EthtoolChannels(
            maxima["RX"], maxima["TX"], maxima["Other"], maxima["Combined"],
            current["RX"], current["TX"], current["Other"], current["Combined"]);
    }

    /// <summary>ethtool's stderr when <c>ethtool ARGS</c> fails (the test expects it to).</summary>
    public static string Failure(TestNetworkNamespace ns, params string[] arguments)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ns.Exec(["ethtool", .. arguments]));
        return error.Message;
    }
}
