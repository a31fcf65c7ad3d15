using System.CommandLine;
using Devmem.Cli.Demo;
using Devmem.Cli.Hosting;
using Devmem.Cli.Links;
using Devmem.Cli.Ncdevmem;
using Devmem.Cli.Serve;

namespace Devmem.Cli;

/// <summary>The command tree of <c>devmem</c>.</summary>
internal static class DevmemCommandLine
{
    /// <summary>
    /// The root command (ncdevmem's command line) with every subcommand; <paramref name="links"/> resolves
    /// <c>-f IFNAME</c>, the machine's interfaces when null.
    /// </summary>
    public static RootCommand Build(ILinkOpener? links = null)
    {
        var root = new RootCommand(
            "devmem: device-memory TCP for .NET. Without a subcommand it is ncdevmem: `devmem -l -s ADDR -p PORT -v 7 -f IFNAME` " +
            "receives into device memory, `devmem -s ADDR -c ADDR -p PORT -f IFNAME` sends stdin. `devmem demo` runs the whole " +
            "path in one process; netdev and ethtool show the kernel's view of a machine.");
        ILinkOpener opener = links ?? new SystemLinkOpener();
        NcdevmemCommand.AddTo(root, opener);
        root.Options.Add(CliLogging.LevelOption);
        root.Subcommands.Add(DemoCommand.Build());
        root.Subcommands.Add(ServeCommand.Build(opener));
        root.Subcommands.Add(NetdevCommands.Build());
        root.Subcommands.Add(EthtoolCommands.Build());
        return root;
    }
}
