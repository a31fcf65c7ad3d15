using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Devmem.Cli.Hosting;

/// <summary>
/// <c>--log-level</c> and the console logger behind it: diagnostics of the CLI itself (links, NIC set-up,
/// connections) on stderr, so that stdout stays the command's output (received bytes, JSON).
/// </summary>
internal static class CliLogging
{
    /// <summary>
    /// <c>--log-level</c> on the root, inherited by every subcommand. Debug and trace also turn on ncdevmem's
    /// per-call lines and stack traces of failures.
    /// </summary>
    public static Option<LogLevel> LevelOption { get; } = new("--log-level")
    {
        HelpName = "LEVEL",
        Description = "trace, debug, information, warning, error, critical or none (stderr). Debug adds ncdevmem's per-call lines and stack traces.",
        DefaultValueFactory = _ => LogLevel.Warning,
        Recursive = true,
    };

    /// <summary>Whether a parse asked for debug detail.</summary>
    public static bool IsDebug(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(LevelOption) <= LogLevel.Debug;
    }

    /// <summary>A console logger factory writing to stderr at the parse's level; dispose it to flush.</summary>
    public static ILoggerFactory CreateFactory(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        LogLevel level = parse.GetValue(LevelOption);
        return LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            })
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));
    }
}
