using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Devmem.Interop.Tests.Cli;

/// <summary>The kernel's side of the kernel selftest's pipelines: <c>... | socat -u - TCP[6]:ADDR:PORT</c>, inside the namespace.</summary>
internal static class KernelSocat
{
    /// <summary>
    /// Connects to <paramref name="server"/> from the namespace, writes <paramref name="input"/> and closes, as
    /// <c>socat -u - TCP:ADDR:PORT[,OPTIONS]</c> with <paramref name="socatOptions"/> before the addresses
    /// (<c>-b SIZE</c>); fails the test on a non-zero exit.
    /// </summary>
    public static async Task SendAsync(CliNamespace ns, IPEndPoint server, ReadOnlyMemory<byte> input, CancellationToken cancellationToken,
        string[]? socatOptions = null, string addressOptions = "")
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["netns", "exec", ns.Namespace.Name, "socat", .. socatOptions ?? [], "-u", "-", $"TCP{(server.AddressFamily == AddressFamily.InterNetworkV6 ? "6" : "")}:{server}{addressOptions}"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process socat = Process.Start(start) ?? throw new InvalidOperationException("cannot start socat");
        try
        {
            Task<string> stderr = socat.StandardError.ReadToEndAsync(cancellationToken);
            await socat.StandardInput.BaseStream.WriteAsync(input, cancellationToken);
            socat.StandardInput.Close();
            await socat.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            Assert.True(socat.ExitCode == 0, $"socat exited {socat.ExitCode}: {await stderr}");
        }
        finally
        {
            if (!socat.HasExited)
            {
                socat.Kill(entireProcessTree: true);
            }
        }
    }
}
