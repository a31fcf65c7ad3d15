using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Uapi;

namespace Devmem.Benchmarks.Engine;

/// <summary>
/// `-- pingpong [count] [gso|wire]`: a one-byte request and a one-byte answer over one connection between two
/// engines on the memory link, each end on a thread of its own in blocking calls (TCP_NODELAY), timed round
/// trip by round trip: what a request-response protocol waits per exchange, wake-ups included. Linux's TCP
/// over loopback does the same in the same run, for the ratio.
/// </summary>
internal static class PingPong
{
    public static async Task<int> RunAsync(int count, bool linkGso)
    {
        double[] kernel = KernelOverLoopback(count);
        double[] engine = await EngineOverMemoryLinkAsync(count, linkGso);
        Print($"Linux TCP over loopback", kernel, kernel);
        Print($"engine to engine over the memory link, {(linkGso ? "GSO" : "wire-sized")} frames", engine, kernel);
        return 0;
    }

    private static void Print(string name, double[] rtts, double[] baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-64} p50 {Percentile(rtts, 0.50),7:F1} us ({Percentile(rtts, 0.50) / Percentile(baseline, 0.50),4:F2}x)  p90 {Percentile(rtts, 0.90),7:F1} us  p99 {Percentile(rtts, 0.99),7:F1} us"));

    // The same exchange between two kernel sockets on 127.0.0.1.
    private static double[] KernelOverLoopback(int count)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndPoint!);
        using Socket server = listener.Accept();
        server.NoDelay = true;
        var answering = new Thread(() =>
        {
            var one = new byte[1];
            for (int i = 0; i < count; i++)
            {
                server.Receive(one);
                server.Send(one);
            }
        }) { IsBackground = true, Name = "pingpong kernel server" };
        answering.Start();
        var rtts = new double[count];
        var buffer = new byte[1];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            client.Send(buffer);
            client.Receive(buffer);
            rtts[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        answering.Join();
        return Steady(rtts);
    }

    private static async Task<double[]> EngineOverMemoryLinkAsync(int count, bool linkGso)
    {
        var tcp = TcpConnectionOptions.Default with { NoDelay = true };
        using var engines = new EnginePairOverMemoryLink(new MemoryLinkOptions { SegmentationOffload = linkGso }, tcp);
        (EngineTcpSocket client, EngineTcpSocket server) = await engines.ConnectAsync(CancellationToken.None);
        using (client)
        using (server)
        {
            var answering = new Thread(() => Answer(server, count)) { IsBackground = true, Name = "pingpong server" };
            answering.Start();
            var rtts = new double[count];
            byte[] request = [1];
            var linear = new byte[64];
            var fragments = new DevmemFragment[16];
            var tokens = new DmabufToken[16];
            for (int i = 0; i < count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                client.Send(request);
                ReceiveOne(client, linear, fragments, tokens);
                rtts[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            answering.Join();
            client.ShutdownSend();
            server.ShutdownSend();
            await Task.WhenAll(client.Closed, server.Closed);
            return Steady(rtts);
        }
    }

    // The first tenth warms the JIT and the caches; the rest, sorted, is what a running service sees.
    private static double[] Steady(double[] rtts)
    {
        double[] steady = rtts[(rtts.Length / 10)..];
        Array.Sort(steady);
        return steady;
    }

    private static void Answer(EngineTcpSocket server, int count)
    {
        byte[] answer = [2];
        var linear = new byte[64];
        var fragments = new DevmemFragment[16];
        var tokens = new DmabufToken[16];
        for (int i = 0; i < count; i++)
        {
            ReceiveOne(server, linear, fragments, tokens);
            server.Send(answer);
        }
    }

    // One byte, in host memory or in the dma-buf (its token returned at once).
    private static void ReceiveOne(EngineTcpSocket socket, byte[] linear, DevmemFragment[] fragments, DmabufToken[] tokens)
    {
        DevmemReceiveResult result = socket.Receiver.Receive(linear, fragments, 1);
        int pending = 0;
        for (int i = 0; i < result.FragmentCount; i++)
        {
            if (!fragments[i].IsLinear)
            {
                tokens[pending++] = DmabufToken.One(fragments[i].Token);
            }
        }

        if (pending > 0)
        {
            socket.Receiver.ReturnTokens(tokens.AsSpan(0, pending));
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
