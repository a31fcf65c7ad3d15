using System.CommandLine;

namespace Devmem.Cli;

/// <summary>Options several commands share.</summary>
internal static class OutputOptions
{
    /// <summary><c>--json</c>: one JSON document instead of a table.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document instead of a table." };

    /// <summary><c>--ifindex N</c>.</summary>
    public static Option<int?> Ifindex(bool required) => new("--ifindex")
    {
        Description = "The device's interface index (ip link shows it).",
        Required = required,
    };

    /// <summary><c>-f IFNAME</c>, as ncdevmem and ethtool name the device.</summary>
    public static Option<string> Device() => new("--ifname", "-f")
    {
        Description = "The interface name.",
        Required = true,
    };
}
