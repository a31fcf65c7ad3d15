using Devmem.Kernel.Namespaces;

namespace Devmem.Cli.Tests;

/// <summary>
/// Runs <c>devmem</c> in-process through its entry point with stdout and stderr captured. Console writers are
/// process-wide, so every test that uses this is in the <see cref="CliCollection"/>, which runs alone.
/// </summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args) => Run(links: null, args);

    /// <summary>Runs it with <paramref name="links"/> resolving <c>-f IFNAME</c>.</summary>
    public static CliResult Run(Links.ILinkOpener? links, params string[] args)
    {
        TextWriter output = Console.Out, error = Console.Error;
        using var capturedOutput = new StringWriter();
        using var capturedError = new StringWriter();
        Console.SetOut(capturedOutput);
        Console.SetError(capturedError);
        try
        {
            int exitCode = Program.Run(args, links);
            return new CliResult(exitCode, capturedOutput.ToString(), capturedError.ToString());
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }
    }

    /// <summary>Runs it on a thread inside <paramref name="networkNamespace"/>, as `ip netns exec` would.</summary>
    public static CliResult RunIn(NetworkNamespace networkNamespace, params string[] args) => networkNamespace.Run(() => Run(args));
}
