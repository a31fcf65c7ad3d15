using System.Diagnostics;
using Devmem.Kernel.Namespaces;

namespace Devmem.Benchmarks.Links;

/// <summary>
/// A network namespace made for one measurement (<c>dmb-RANDOM</c>, lo up), so the benchmark's traffic never
/// touches the machine's own interfaces. Disposing deletes it and every device in it.
/// </summary>
internal sealed class BenchNamespace : IDisposable
{
    private bool _disposed;

    private BenchNamespace(string name, NetworkNamespace handle)
    {
        Name = name;
        Handle = handle;
    }

    /// <summary>The name under /run/netns.</summary>
    public string Name { get; }

    /// <summary>The namespace, for threads to enter (a socket or device opened there lives there).</summary>
    public NetworkNamespace Handle { get; }

    public static BenchNamespace Create()
    {
        string name = "dmb-" + Guid.NewGuid().ToString("N")[..10];
        Run("ip", "netns", "add", name);
        try
        {
            Run("ip", "-n", name, "link", "set", "lo", "up");
            return new BenchNamespace(name, NetworkNamespace.Open(name));
        }
        catch
        {
            Run("ip", "netns", "del", name);
            throw;
        }
    }

    /// <summary><c>ip -n NAME ARGS</c>.</summary>
    public void Ip(params string[] arguments) => Run(["ip", "-n", Name, .. arguments]);

    /// <summary>The command line that runs <paramref name="command"/> inside the namespace.</summary>
    public string[] Exec(params string[] command) => ["ip", "netns", "exec", Name, .. command];

    /// <summary>Runs a program to completion; returns its standard output, throws with its stderr on failure.</summary>
    public static string Run(params string[] command)
    {
        using Process process = Start(command);
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{string.Join(' ', command)} exited {process.ExitCode}: {error.GetAwaiter().GetResult().Trim()}");
    }

    /// <summary>Starts a program with both outputs redirected.</summary>
    public static Process Start(params string[] command)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.AsSpan(1))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command[0]}");
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Handle.Dispose();
        Run("ip", "netns", "del", Name);
    }
}
