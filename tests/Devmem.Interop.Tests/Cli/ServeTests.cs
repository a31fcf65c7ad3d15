using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Devmem.Stack.Tests.Sockets;

namespace Devmem.Interop.Tests.Cli;

/// <summary>
/// The real <c>devmem serve</c> as a long-running child in the test's namespace: kernel clients on its discard
/// and echo ports at once, then SIGTERM, and the statistics it prints on the way out.
/// </summary>
public sealed class ServeTests(ITestOutputHelper output)
{
    private const ushort DiscardPort = 9;
    private const ushort EchoPort = 7;
    private const int ClientsPerPort = 100;
    private const int DiscardBytes = 16 * 1024;

    [Fact]
    public async Task HundredDiscardAndHundredEchoKernelClients_ThenSigterm_ExitsZeroWithCountsAndNoLeaks()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using CliNamespace ns = CliNamespace.Create();
        using DevmemProcess serve = await StartServeAsync(ns, json: true, cancellationToken);

        byte[] pattern = NcdevmemPattern.Create(DiscardBytes);
        Task[] clients =
        [
            .. Enumerable.Range(0, ClientsPerPort).Select(_ => Task.Run(() => DiscardClientAsync(ns, pattern, cancellationToken), cancellationToken)),
            .. Enumerable.Range(0, ClientsPerPort).Select(i => Task.Run(() => EchoClientAsync(ns, i, cancellationToken), cancellationToken)),
        ];
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

        serve.Signal("TERM");
        (int exitCode, string stdout) = await serve.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        output.WriteLine(stdout);
        Assert.True(exitCode == 0, $"exit {exitCode}; stderr:\n{serve.Stderr}");
        using JsonDocument report = JsonDocument.Parse(stdout);
        JsonElement r = report.RootElement;
        Assert.Equal(ClientsPerPort, r.GetProperty("discard_connections").GetInt64());
        Assert.Equal(ClientsPerPort, r.GetProperty("echo_connections").GetInt64());
        Assert.Equal(0, r.GetProperty("failed_connections").GetInt64());
        Assert.Equal((long)ClientsPerPort * DiscardBytes, r.GetProperty("discard_bytes").GetInt64());
        Assert.Equal(Enumerable.Range(0, ClientsPerPort).Sum(i => EchoMessage(i).Length), r.GetProperty("echo_bytes").GetInt64());
        Assert.Equal(0, r.GetProperty("linear_bytes").GetInt64());
        Assert.Equal(r.GetProperty("tokens_issued").GetInt64(), r.GetProperty("tokens_returned").GetInt64());
        Assert.Equal(0, r.GetProperty("leaked_net_iovs").GetInt64());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("leak_report").ValueKind);
    }

    [Fact]
    public async Task OneClientEach_ThenSigint_PrintsTheStatisticsAsText()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using CliNamespace ns = CliNamespace.Create();
        using DevmemProcess serve = await StartServeAsync(ns, json: false, cancellationToken);
        await DiscardClientAsync(ns, NcdevmemPattern.Create(DiscardBytes), cancellationToken);
        await EchoClientAsync(ns, 0, cancellationToken);

        serve.Signal("INT");
        (int exitCode, string stdout) = await serve.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);

        Assert.True(exitCode == 0, $"exit {exitCode}; stderr:\n{serve.Stderr}");
        Assert.Contains("devmem serve: 1 discard and 1 echo connections, 0 failed", stdout, StringComparison.Ordinal);
        Assert.Contains("discarded 16.0 KiB", stdout, StringComparison.Ordinal);
        Assert.Contains("leaked net_iovs: 0", stdout, StringComparison.Ordinal);
    }

    // Both services on the engine's IPv4 address; ready once the echo port (opened last) is logged at information level.
    private static Task<DevmemProcess> StartServeAsync(CliNamespace ns, bool json, CancellationToken cancellationToken) =>
        ns.StartServerAsync($"echo listening on {CliNamespace.DevmemAddress()} port {EchoPort}",
            ["serve", "-f", CliNamespace.Device, "-s", CliNamespace.DevmemAddress().ToString(), "--discard", $"{DiscardPort}", "--echo", $"{EchoPort}",
                "--log-level", "information", .. json ? ["--json"] : Array.Empty<string>()],
            cancellationToken);

    private static byte[] EchoMessage(int client) => Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"echo from kernel client {client}\n"));

    private static Socket ConnectFrom(CliNamespace ns) => ns.Namespace.Run(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));

    // Sends its KiB and closes; the server closes its side once it has read to our end of stream.
    private static async Task DiscardClientAsync(CliNamespace ns, byte[] data, CancellationToken cancellationToken)
    {
        using Socket client = ConnectFrom(ns);
        await client.ConnectAsync(new IPEndPoint(CliNamespace.DevmemAddress(), DiscardPort), cancellationToken);
        for (int sent = 0; sent < data.Length;)
        {
            sent += await client.SendAsync(data.AsMemory(sent), SocketFlags.None, cancellationToken);
        }

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await client.ReceiveAsync(new byte[1], SocketFlags.None, cancellationToken));
    }

    private static async Task EchoClientAsync(CliNamespace ns, int index, CancellationToken cancellationToken)
    {
        byte[] message = EchoMessage(index);
        using Socket client = ConnectFrom(ns);
        await client.ConnectAsync(new IPEndPoint(CliNamespace.DevmemAddress(), EchoPort), cancellationToken);
        await client.SendAsync(message, SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);

        using var echoed = new MemoryStream();
        var buffer = new byte[1024];
        int read;
        while ((read = await client.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            echoed.Write(buffer, 0, read);
        }

        Assert.Equal(message, echoed.ToArray());
    }
}
