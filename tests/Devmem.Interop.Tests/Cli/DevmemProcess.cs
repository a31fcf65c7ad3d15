using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Devmem.Interop.Tests.Cli;

/// <summary>
/// The real <c>devmem</c> as a child process, <c>dotnet Devmem.Cli.dll ARGS</c>, optionally behind a prefix
/// (<c>ip netns exec NAME</c>, <c>setpriv ...</c>). Both prefixes exec, so <see cref="Id"/> ends up being the
/// dotnet process itself, which is what a signal must reach. Disposing kills whatever still runs, so a failed
/// test leaves no server behind (and its namespace can go).
/// </summary>
internal sealed class DevmemProcess : IDisposable
{
    // Devmem.Cli.dll and its runtimeconfig.json sit beside the tests (the ProjectReference in the csproj).
    private static readonly string CliPath = Path.Combine(AppContext.BaseDirectory, "Devmem.Cli.dll");

    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task _stderrPump;
    private readonly StringBuilder _stderr = new();

    private DevmemProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderrPump = PumpAsync(process.StandardError);
    }

    /// <summary>The child's pid (the dotnet process once the prefixes have exec'd).</summary>
    public int Id => _process.Id;

    /// <summary>What the child wrote on stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>PREFIX... dotnet Devmem.Cli.dll ARGS</c> with stdin, stdout and stderr piped to the test.</summary>
    public static DevmemProcess Start(IEnumerable<string> prefix, IEnumerable<string> arguments)
    {
        string[] command = [.. prefix, DotnetHost(), CliPath, .. arguments];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.AsSpan(1))
        {
            start.ArgumentList.Add(argument);
        }

        return new DevmemProcess(Process.Start(start) ?? throw new InvalidOperationException($"cannot start {string.Join(' ', command)}"));
    }

    /// <summary>Writes <paramref name="input"/> to the child's stdin and closes it (the end of file ncdevmem's client sends up to).</summary>
    public async Task WriteStdinAndCloseAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        Stream stdin = _process.StandardInput.BaseStream;
        await stdin.WriteAsync(input, cancellationToken);
        await stdin.FlushAsync(cancellationToken);
        _process.StandardInput.Close();
    }

    /// <summary>Completes once stderr holds <paramref name="text"/>; fails at once if the child exits first.</summary>
    public async Task WaitForStderrAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                await _stderrPump.WaitAsync(cancellationToken);
                Assert.Fail($"devmem exited {_process.ExitCode} before printing '{text}'; stderr:\n{Stderr}");
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"devmem printed no '{text}' within {timeout.TotalSeconds} s; stderr:\n{Stderr}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Waits for the child to exit; returns its exit code and all of stdout. A hang fails the test (and Dispose kills it).</summary>
    public async Task<(int ExitCode, string Stdout)> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"devmem still running after {timeout.TotalSeconds} s; stderr:\n{Stderr}");
        }

        await _stderrPump.WaitAsync(cancellationToken);
        return (_process.ExitCode, await _stdout.WaitAsync(cancellationToken));
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, INT) to the child, after checking the pid is dotnet's (not a wrapper that would swallow it).</summary>
    public void Signal(string signal)
    {
        string comm = File.ReadAllText($"/proc/{Id}/comm").Trim();
        Assert.Equal("dotnet", comm);
        Kernel.Tests.Support.Ip.Tool("kill", $"-{signal}", Id.ToString(CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    // `dotnet test` tells its children which host runs it; a test host started otherwise finds dotnet on the PATH.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private async Task PumpAsync(StreamReader stderr)
    {
        while (await stderr.ReadLineAsync() is { } line)
        {
            lock (_stderr)
            {
                _stderr.AppendLine(line);
            }
        }
    }
}
