namespace Devmem.Cli;

/// <summary>The <c>devmem</c> entry point.</summary>
internal static class Program
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; the exit code is 0 on success.</summary>
    public static int Main(string[] args) => DevmemCommandLine.Build().Parse(args).Invoke();
}
