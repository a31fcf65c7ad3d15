using System.CommandLine;
using Devmem.Cli.Hosting;
using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Cli;

/// <summary>
/// Runs a command's work with the CLI's error convention: a failure the user can act on prints
/// <c>PREFIX: MESSAGE</c> on stderr and exits 1, without a stack trace unless <c>--log-level debug</c>.
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
        catch (Exception error) when (IsExpected(error))
        {
            return Report(parseResult, "devmem", error);
        }
    });

    /// <summary>
    /// Sets an asynchronous action that returns its own exit code; failures print as <c><paramref name="prefix"/>: MESSAGE</c>
    /// (ncdevmem's command line keeps ncdevmem's prefix).
    /// </summary>
    public static void SetAsync(Command command, Func<ParseResult, CancellationToken, Task<int>> work, string prefix = "devmem") =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await work(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Only a stop request cancels here: the caller's token, or SIGINT/SIGTERM through TerminationSignals.
                await Console.Error.WriteLineAsync($"{prefix}: interrupted").ConfigureAwait(false);
                return TerminationSignals.ExitStatus;
            }
            catch (Exception error) when (IsExpected(error))
            {
                return Report(parseResult, prefix, error);
            }
        });

    private static bool IsExpected(Exception error) =>
        error is DevmemException or ArgumentException or MemoryLeakException or IOException or InvalidOperationException;

    private static int Report(ParseResult parseResult, string prefix, Exception error)
    {
        Console.Error.WriteLine($"{prefix}: {error.Message}");
        if (CliLogging.IsDebug(parseResult))
        {
            Console.Error.WriteLine(error);
        }

        return Failure;
    }
}
