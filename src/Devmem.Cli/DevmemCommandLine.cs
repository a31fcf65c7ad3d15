using System.CommandLine;
using Devmem.Cli.Demo;
using Devmem.Cli.Hosting;

namespace Devmem.Cli;

/// <summary>The command tree of <c>devmem</c>.</summary>
internal static class DevmemCommandLine
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("devmem: device-memory TCP for .NET, and the kernel's netdev and ethtool views of the devices it uses.");
        root.Options.Add(CliLogging.LevelOption);
        root.Subcommands.Add(DemoCommand.Build());
        root.Subcommands.Add(NetdevCommands.Build());
        root.Subcommands.Add(EthtoolCommands.Build());
        return root;
    }
}
