using System.CommandLine;
using Devmem.Uapi;

namespace Devmem.Cli;

/// <summary>
/// Runs a command's work with the CLI's error convention: a failure the user can act on prints
/// <c>devmem: MESSAGE</c> on stderr and exits 1, without a stack trace.
/// </summary>
internal static class CommandAction
{
    /// <summary>The exit code of a command that failed.</summary>
    public const int Failure = 1;

    /// <summary>Sets <paramref name="command"/>'s action to <paramref name="work"/> under the error convention.</summary>
    public static void Set(Command command, Action<ParseResult> work) => command.SetAction(parseResult =>
    {
        try
        {
            work(parseResult);
            return 0;
        }
        catch (Exception error) when (error is DevmemException or ArgumentException)
        {
            Console.Error.WriteLine($"devmem: {error.Message}");
            return Failure;
        }
    });
}
