using System.Diagnostics;

namespace Devmem.Interop.Tests.Support;

/// <summary>Runs iproute2 and other tools the tests set the kernel side up with.</summary>
internal static class Tool
{
    /// <summary>Runs <c>ip ARGS</c>; throws with its stderr on failure.</summary>
    public static string Ip(params string[] arguments) => Run("ip", arguments);

    /// <summary>Whether <paramref name="program"/> is on the PATH.</summary>
    public static bool Exists(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));

    /// <summary>Runs <paramref name="program"/>; throws with its stderr on a non-zero exit.</summary>
    public static string Run(string program, params string[] arguments)
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
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.GetAwaiter().GetResult().Trim()}");
    }
}
