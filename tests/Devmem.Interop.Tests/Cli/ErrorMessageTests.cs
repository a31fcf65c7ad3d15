using Devmem.Interop.Tests.Support;

namespace Devmem.Interop.Tests.Cli;

/// <summary>
/// What the real <c>devmem</c> says, and its exit status, when it cannot run: each message names the problem
/// in ncdevmem's words or says what to do. Those that could touch a network device run inside a namespace.
/// </summary>
public sealed class ErrorMessageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MissingInterface_NcdevmemsWords()
    {
        // Parsing fails before any device is opened, so this needs neither root nor a namespace.
        using DevmemProcess devmem = DevmemProcess.Start([], ["-l", "-s", "10.9.0.2", "-p", "5201"]);

        await AssertFailsWithAsync(devmem, "ncdevmem: Missing -f argument");
    }

    [Fact]
    public async Task BadAddress_NamesTheOptionAndTheText()
    {
        using DevmemProcess devmem = DevmemProcess.Start([], ["-l", "-s", "10.9.0.999", "-p", "5201", "-f", "dm0"]);

        await AssertFailsWithAsync(devmem, "ncdevmem: -s 10.9.0.999 is not an IPv4 or IPv6 address");
    }

    [Fact]
    public async Task PortInUse_ServeWithOnePortForBothServices_EADDRINUSE()
    {
        using CliNamespace ns = CliNamespace.Create();
        using DevmemProcess devmem = ns.Start("serve", "-f", CliNamespace.Device, "-s", "10.9.0.2", "--discard", "5201", "--echo", "5201");

        await AssertFailsWithAsync(devmem, "devmem: EADDRINUSE (Address already in use): a listener on port 5201 exists; close it first");
    }

    [Fact]
    public async Task InterfaceHeldByAnotherServer_EBUSY()
    {
        using CliNamespace ns = CliNamespace.Create();
        using DevmemProcess first = await ns.StartServerAsync(CliNamespace.Listening, ["-l", "-s", "10.9.0.2", "-p", "5201", "-f", CliNamespace.Device], TestContext.Current.CancellationToken);
        using DevmemProcess second = ns.Start("-l", "-s", "10.9.0.2", "-p", "5201", "-f", CliNamespace.Device);

        await AssertFailsWithAsync(second, "ncdevmem: EBUSY (Device or resource busy): TAP 'dm0' is already attached to another file");
    }

    [Fact]
    public async Task ClientToAPortNothingListensOn_ECONNREFUSED()
    {
        using CliNamespace ns = CliNamespace.Create();
        ns.CreateTap();
        using DevmemProcess client = ns.Start("-s", CliNamespace.KernelAddress().ToString(), "-c", CliNamespace.DevmemAddress().ToString(), "-p", "5201", "-f", CliNamespace.Device);

        // The kernel answers the SYN with a reset before the client reads any stdin; how the address is spelt
        // after "by" is the engine's wording, not the CLI's, so it is not pinned here.
        await AssertFailsWithAsync(client, "ncdevmem: ECONNREFUSED (Connection refused): connection refused by ");
    }

    [Fact]
    public async Task NoPermission_AsNobody_SaysItNeedsCapNetAdmin()
    {
        using CliNamespace ns = CliNamespace.Create();

        // setpriv execs too, and changing to a non-root uid clears every capability.
        using DevmemProcess devmem = DevmemProcess.Start(
            ["ip", "netns", "exec", ns.Namespace.Name, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"],
            ["-l", "-s", "10.9.0.2", "-p", "5201", "-f", CliNamespace.Device]);

        await AssertFailsWithAsync(devmem, "needs CAP_NET_ADMIN: run as root, or try `devmem demo`");
        Assert.DoesNotContain(CliNamespace.Device, ns.Namespace.Ip("-o", "link", "show"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterfaceNameThatCannotExist_ENODEV()
    {
        using CliNamespace ns = CliNamespace.Create();
        using DevmemProcess devmem = ns.Start("-l", "-s", "10.9.0.2", "-p", "5201", "-f", "name-far-too-long-for-linux");

        await AssertFailsWithAsync(devmem,
            "ncdevmem: ENODEV (No such device): interface name-far-too-long-for-linux does not exist and cannot be created: names have at most 15 characters and no '/'");
    }

    private static async Task AssertFailsWithAsync(DevmemProcess devmem, string message)
    {
        (int exitCode, string stdout) = await devmem.WaitForExitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.True(exitCode == 1, $"exit {exitCode}; stderr:\n{devmem.Stderr}");
        Assert.Contains(message, devmem.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout);
    }
}
