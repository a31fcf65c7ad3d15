namespace Devmem.Cli;

/// <summary>The <c>devmem</c> entry point.</summary>
internal static class Program
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; the exit code is 0 on success.</summary>
    /// <remarks>
    /// System.CommandLine's own Ctrl+C handling is off: the long-running commands take SIGINT and SIGTERM
    /// themselves (<see cref="Hosting.TerminationSignals"/>) to close connections and check leaks before exiting.
    /// </remarks>
    public static int Main(string[] args) => Run(args, links: null);

    /// <summary>Runs with <paramref name="links"/> resolving <c>-f IFNAME</c> (the machine's interfaces when null).</summary>
    internal static int Run(string[] args, Links.ILinkOpener? links) =>
        DevmemCommandLine.Build(links).Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = null });
}
