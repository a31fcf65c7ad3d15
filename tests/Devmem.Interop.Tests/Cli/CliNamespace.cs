using System.Net;
using Devmem.Interop.Tests.Support;

namespace Devmem.Interop.Tests.Cli;

/// <summary>
/// One test's namespace for the real <c>devmem</c>: the README's walkthrough, where <c>-f dm0</c> is a TAP
/// inside the namespace, <see cref="DevmemAddress"/> is our engine's address on it and the kernel's side has
/// <see cref="KernelAddress"/> (both families: the kernel selftest runs over either). Children are started with <c>ip netns exec</c>; disposing deletes the namespace
/// (and the TAP) whatever the outcome; dispose the children first, so none keeps the TAP open.
/// </summary>
internal sealed class CliNamespace : IDisposable
{
    public const string Device = "dm0";
    public const ushort Port = 5201;

    /// <summary>ncdevmem's words once its listener is open.</summary>
    public const string Listening = "Waiting or connection on";

    private static readonly IPAddress KernelIpv4 = IPAddress.Parse("10.9.0.1");
    private static readonly IPAddress DevmemIpv4 = IPAddress.Parse("10.9.0.2");
    private static readonly IPAddress KernelIpv6 = IPAddress.Parse("fd00:9::1");
    private static readonly IPAddress DevmemIpv6 = IPAddress.Parse("fd00:9::2");

    private CliNamespace(InteropNamespace ns) => Namespace = ns;

    public InteropNamespace Namespace { get; }

    /// <summary>The kernel's address on the TAP.</summary>
    public static IPAddress KernelAddress(bool ipv6 = false) => ipv6 ? KernelIpv6 : KernelIpv4;

    /// <summary>Our engine's address on the TAP (<c>-s</c> of a server, <c>-c</c> of a client).</summary>
    public static IPAddress DevmemAddress(bool ipv6 = false) => ipv6 ? DevmemIpv6 : DevmemIpv4;

    public static CliNamespace Create() => new(InteropNamespace.Create());

    /// <summary>Starts <c>ip netns exec NAME dotnet Devmem.Cli.dll ARGS</c>.</summary>
    public DevmemProcess Start(params string[] arguments) => DevmemProcess.Start(["ip", "netns", "exec", Namespace.Name], arguments);

    /// <summary>
    /// Starts a server that creates the TAP itself, waits for <paramref name="listening"/> on its stderr (the TAP
    /// exists from then on) and gives the kernel its side, as the README's walkthrough does.
    /// </summary>
    public async Task<DevmemProcess> StartServerAsync(string listening, string[] arguments, CancellationToken cancellationToken)
    {
        DevmemProcess server = Start(arguments);
        try
        {
            await server.WaitForStderrAsync(listening, TimeSpan.FromSeconds(30), cancellationToken);
            AddKernelSide();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>A persistent TAP with the kernel's side configured before <c>devmem</c> attaches (a client connects at once).</summary>
    public void CreateTap()
    {
        Namespace.Ip("tuntap", "add", "dev", Device, "mode", "tap", "vnet_hdr");
        AddKernelSide();
    }

    public void Dispose() => Namespace.Dispose();

    private void AddKernelSide()
    {
        Namespace.Ip("addr", "add", $"{KernelIpv4}/24", "dev", Device);
        Namespace.Ip("addr", "add", $"{KernelIpv6}/64", "dev", Device, "nodad");
        Namespace.Ip("link", "set", Device, "up");
    }
}
