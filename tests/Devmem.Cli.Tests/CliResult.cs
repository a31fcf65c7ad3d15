using System.Text.Json;

namespace Devmem.Cli.Tests;

/// <summary>What one <c>devmem</c> run printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Asserts success and parses stdout as one JSON document.</summary>
    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}: {Error}");
        using JsonDocument document = JsonDocument.Parse(Output);
        return document.RootElement.Clone();
    }

    /// <summary>The table's data rows split into cells (the header row dropped).</summary>
    public IReadOnlyList<string[]> Rows()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}: {Error}");
        return [.. Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
    }
}
