using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// A SYN flood against a listener while an established devmem transfer to the same port runs: 100,000
/// SYNs from random spoofed sources. The transfer completes byte-exact, the SYN queue never grows past the
/// backlog (cookies answer the rest, statelessly), the flood is counted, and nothing leaks.
/// </summary>
public sealed class SynFloodTests(ITestOutputHelper output)
{
    private const int FloodSyns = 100_000;

    [Fact]
    public async Task AnEstablishedTransfer_Completes_ThroughASynFloodOfAHundredThousand()
    {
        SynFloodLink? flood = null;
        var victim = new Ipv4Address(10, 0, 0, 2);
        using var pair = new EnginePair(ipv6: false, new MemoryLinkOptions { QueueLength = 4096 }, linkOfA: link =>
            flood = new SynFloodLink(link, EnginePair.MacB, victim, EnginePair.SteeredPort, FloodSyns, perBatch: 64));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(3));
        using EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort);
        Task<EngineTcpSocket> accepting = listener.AcceptAsync(deadline.Token).AsTask();
        using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), deadline.Token);
        using EngineTcpSocket server = await accepting;
        Task<long> reading = Task.Run(() => DevmemStreamReader.ReadToEndAsync(server, pair.DmaBuf, DevmemDataKind.DeviceMemory, deadline.Token), deadline.Token);

        // The pattern's period divides the chunk, so sending it again and again continues the stream.
        byte[] chunk = NcdevmemPattern.Create(NcdevmemPattern.Period * 9362);
        long sent = 0;
        int maxPending = 0;
        while (flood!.Injected < FloodSyns)
        {
            await client.SendAsync(chunk, deadline.Token);
            sent += chunk.Length;
            maxPending = Math.Max(maxPending, listener.PendingHandshakes);
        }

        client.ShutdownSend();
        Assert.Equal(sent, await reading);
        server.ShutdownSend();
        await client.Closed.WaitAsync(deadline.Token);
        await server.Closed.WaitAsync(deadline.Token);

        TcpCounters counters = listener.Counters;
        output.WriteLine(
            $"{sent >> 20} MiB through {FloodSyns} SYNs: listener saw {counters.SegmentsReceived} segments, SYN queue full {counters.Dropped(TcpDropReason.SynQueueFull)}, " +
            $"cookies sent {counters.SynCookiesSent}, most pending handshakes {maxPending}");
        Assert.InRange(listener.PendingHandshakes, 0, 128);
        Assert.InRange(maxPending, 0, 128);
        Assert.True(counters.SynCookiesSent > FloodSyns / 2, $"only {counters.SynCookiesSent} cookies for {FloodSyns} SYNs");
        Assert.Equal(counters.SynCookiesSent, counters.Dropped(TcpDropReason.SynQueueFull));
        pair.DisposeAndAssertNoLeaks();
    }
}
