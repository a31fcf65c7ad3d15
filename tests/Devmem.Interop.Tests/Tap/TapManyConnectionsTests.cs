using System.Net;
using System.Net.Sockets;
using System.Text;
using Devmem.Interop.Tests.Support;
using Devmem.Stack.Sockets;

namespace Devmem.Interop.Tests.Tap;

/// <summary>
/// Many kernel clients at once against one listener of our engine over a TAP: every handshake completes, every
/// message lands in device memory and comes back, every connection closes.
/// </summary>
public sealed class TapManyConnectionsTests(ITestOutputHelper output)
{
    private const int Clients = 1000;

    // 1,000 SYNs arrive within a few milliseconds. The default backlog (128) still serves them all, but three
    // in four handshakes then go through SYN cookies (744 of 1,000 in one run); a backlog that holds every
    // client tests the ordinary handshake.
    private const int Backlog = 1024;

    [Fact]
    public async Task OneThousandConcurrentKernelClients_EachEchoedFromDeviceMemory()
    {
        using TapEnvironment world = TapEnvironment.Create(backlog: Backlog);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));

        // The TAP's queue towards us holds txqueuelen frames (1000 by default) and drops the rest silently: the
        // handshakes, messages and FINs of 1,000 clients overflow it (1,100-2,000 drops, each a 1 s kernel
        // timeout). Room for every client's frames keeps the test about our listener, not that queue.
        world.Namespace.Ip("link", "set", TapEnvironment.Device, "txqueuelen", "4096");
        using EngineTcpListener listener = world.Engine.Engine.Listen(InteropEngine.SteeredPort);
        Task serving = EngineEchoServer.ServeAsync(listener, world.Engine.DmaBuf, Clients, deadline.Token);

        Socket[] clients = world.Namespace.Run(() =>
            Enumerable.Range(0, Clients).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToArray());
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Task.WhenAll(clients.Select((client, i) => ExchangeAsync(client, i, deadline.Token)));
            await serving.WaitAsync(deadline.Token);

            // The kernel's side: SYNs our engine answered only after the kernel's 1 s SYN timeout show up here.
            output.WriteLine(world.Namespace.Exec("nstat", "-az", "TcpExtTCPSynRetrans", "TcpRetransSegs"));
            output.WriteLine($"{Clients} kernel clients echoed through device memory in {clock.ElapsedMilliseconds} ms; "
                + $"listener: {listener.Counters.SynCookiesSent} SYN cookies sent, {listener.Counters.TotalDropped} segments dropped");
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }

        world.DisposeAndAssertNoLeaks();
    }

    // Connects, sends one message that names the client, and reads the echo to our end of stream.
    private static async Task ExchangeAsync(Socket client, int index, CancellationToken cancellationToken)
    {
        await client.ConnectAsync(new IPEndPoint(InteropEngine.EngineIpv4, InteropEngine.SteeredPort), cancellationToken);
        byte[] message = Encoding.ASCII.GetBytes($"client {index:D4} of {Clients}: {new string((char)('a' + (index % 26)), index % 200)}");
        await client.SendAsync(message, SocketFlags.None, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        var echo = new byte[message.Length + 1];
        int received = 0;
        int read;
        while ((read = await client.ReceiveAsync(echo.AsMemory(received), SocketFlags.None, cancellationToken)) > 0)
        {
            received += read;
        }

        Assert.Equal(message, echo.AsSpan(0, received).ToArray());
    }
}
