using System.Globalization;
using System.Text.Json;
using Devmem.Kernel.Namespaces;

namespace Devmem.Kernel.Tests.Support;

/// <summary>
/// A network namespace made for one test (<c>dmk-RANDOM</c>) holding lo, a veth pair and a TAP device, all
/// up; disposing deletes it, and its devices with it, whether the test passed or not.
/// </summary>
internal sealed class TestNetworkNamespace : IDisposable
{
    public const string Veth = "dmkv0";
    public const string VethPeer = "dmkv1";
    public const string Tap = "dmkt0";

    private TestNetworkNamespace(string name, NetworkNamespace handle)
    {
        Name = name;
        Handle = handle;
    }

    /// <summary>The name under /run/netns.</summary>
    public string Name { get; }

    /// <summary>The namespace, opened for clients to enter.</summary>
    public NetworkNamespace Handle { get; }

    /// <summary>The devices created, lo first.</summary>
    public static IReadOnlyList<string> Devices { get; } = ["lo", Veth, VethPeer, Tap];

    public static TestNetworkNamespace Create()
    {
        Privileges.RequireRoot("a test network namespace");
        string name = "dmk-" + Guid.NewGuid().ToString("N")[..10];
        Ip.Run("netns", "add", name);
        try
        {
            Ip.Run("-n", name, "link", "set", "lo", "up");
            Ip.Run("-n", name, "link", "add", Veth, "type", "veth", "peer", "name", VethPeer);
            Ip.Run("-n", name, "tuntap", "add", "mode", "tap", "name", Tap);
            foreach (string device in new[] { Veth, VethPeer, Tap })
            {
                Ip.Run("-n", name, "link", "set", device, "up");
            }

            return new TestNetworkNamespace(name, NetworkNamespace.Open(name));
        }
        catch
        {
            Ip.Run("netns", "del", name);
            throw;
        }
    }

    /// <summary>The ifindex <c>ip link</c> reports for <paramref name="device"/>.</summary>
    public int Ifindex(string device) => Link(device).GetProperty("ifindex").GetInt32();

    /// <summary>Every ifindex <c>ip link</c> lists in the namespace.</summary>
    public IReadOnlySet<int> Ifindexes() =>
        Ip.Json("-n", Name, "link", "show").EnumerateArray().Select(link => link.GetProperty("ifindex").GetInt32()).ToHashSet();

    /// <summary><c>ip -d link show</c> for one device.</summary>
    public JsonElement Link(string device) => Ip.Json("-n", Name, "-d", "link", "show", "dev", device)[0];

    /// <summary>The entries of /sys/class/net/DEVICE/queues as seen inside the namespace (rx-0, tx-0, ...).</summary>
    public IReadOnlyList<string> SysfsQueues(string device) =>
        Ip.Run("netns", "exec", Name, "ls", $"/sys/class/net/{device}/queues").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The ifindex sysfs reports inside the namespace.</summary>
    public int SysfsIfindex(string device) =>
        int.Parse(Ip.Run("netns", "exec", Name, "cat", $"/sys/class/net/{device}/ifindex").Trim(), CultureInfo.InvariantCulture);

    /// <summary>Runs a command inside the namespace (with its own sysfs).</summary>
    public string Exec(params string[] command) => Ip.Run(["netns", "exec", Name, .. command]);

    public void Dispose()
    {
        Handle.Dispose();
        Ip.Run("netns", "del", Name);
    }
}
