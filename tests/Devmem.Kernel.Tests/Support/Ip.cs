using System.Diagnostics;
using System.Text.Json;

namespace Devmem.Kernel.Tests.Support;

/// <summary>Runs iproute2's <c>ip</c> (and other tools) as the independent oracle the netlink results are checked against.</summary>
internal static class Ip
{
    /// <summary>Runs <c>ip ARGS</c>; throws with its stderr on failure.</summary>
    public static string Run(params string[] arguments) => Tool("ip", arguments);

    /// <summary><c>ip -j ARGS</c>, parsed.</summary>
    public static JsonElement Json(params string[] arguments)
    {
        using JsonDocument document = JsonDocument.Parse(Run(["-j", .. arguments]));
        return document.RootElement.Clone();
    }

    /// <summary>Whether <paramref name="program"/> is on the PATH.</summary>
    public static bool Exists(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));

    /// <summary>Runs <paramref name="program"/>; throws with its stderr on a non-zero exit.</summary>
    public static string Tool(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output.Result
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Trim()}");
    }
}
