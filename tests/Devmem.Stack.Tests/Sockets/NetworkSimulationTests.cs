using System.Diagnostics;
using Devmem.Memory;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// The network simulation of the engine issue: two engines over a memory link that loses 5% of frames,
/// reorders 10%, duplicates 1% and corrupts 0.1% in both directions, 64 MiB each way at once, each stream
/// received into device memory through the devmem path and checked byte for byte against ncdevmem's
/// pattern, tokens returned, both connections closed cleanly, nothing leaked.
/// </summary>
public sealed class NetworkSimulationTests(ITestOutputHelper output)
{
    private const int Bytes = 64 << 20;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SixtyFourMiBEachWay_ByteExact_ThroughLossReorderingDuplicationAndCorruption(bool ipv6)
    {
        var faults = new FaultInjectorOptions { Seed = 11, LossRate = 0.05, ReorderRate = 0.10, DuplicateRate = 0.01, CorruptRate = 0.001 };
        var link = new MemoryLinkOptions { QueueLength = 1024, AToBFaults = faults, BToAFaults = faults with { Seed = 12 } };
        using var pair = new EnginePair(ipv6, link, EnginePair.MemoryLinkTimers, deviceMemoryOnA: true);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(5));
        byte[] data = NcdevmemPattern.Create(Bytes);

        using EngineTcpListener atB = pair.B.Listen(EnginePair.SteeredPort);
        using EngineTcpListener atA = pair.A.Listen(EnginePair.SteeredPort);
        Task<(TimeSpan, TcpCounters)> aToB = SendAsync(pair.A, atB, pair.Server(EnginePair.SteeredPort), pair.DmaBuf, data, seed: 1, deadline.Token);
        Task<(TimeSpan, TcpCounters)> bToA = SendAsync(pair.B, atA, pair.Client(EnginePair.SteeredPort), pair.DmaBufA!, data, seed: 2, deadline.Token);
        await Task.WhenAll(aToB, bToA);

        foreach ((string direction, (TimeSpan elapsed, TcpCounters sender)) in new[] { ("A->B", await aToB), ("B->A", await bToA) })
        {
            output.WriteLine(
                $"{(ipv6 ? "IPv6" : "IPv4")} {direction}: 64 MiB in {elapsed.TotalSeconds:F1} s ({64 / elapsed.TotalSeconds:F1} MiB/s); " +
                $"retransmissions {sender.Retransmissions}, recoveries {sender.FastRecoveries}, RTOs {sender.RetransmissionTimeouts}, probes {sender.TailLossProbes}");
            Assert.True(sender.FastRecoveries > 0, "5% loss must have needed recovery");
        }

        pair.DisposeAndAssertNoLeaks();
    }

    // One direction: `engine` connects to `listener`'s engine, writes the stream in random-sized writes and
    // closes; the receiver reads it from device memory to the end, then closes too.
    private static async Task<(TimeSpan, TcpCounters)> SendAsync(UserSpaceEngine engine, EngineTcpListener listener, System.Net.IPEndPoint to,
        DmaBuf receiverMemory, byte[] data, int seed, CancellationToken cancellationToken)
    {
        Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        using EngineTcpSocket client = await engine.ConnectAsync(to, cancellationToken);
        using EngineTcpSocket server = await accepting;
        var clock = Stopwatch.StartNew();
        Task<long> reading = Task.Run(() => DevmemStreamReader.ReadToEndAsync(server, receiverMemory, DevmemDataKind.DeviceMemory, cancellationToken), cancellationToken);
        await RandomWrites.SendAsync(client, data, 256 * 1024, seed, cancellationToken);

        client.ShutdownSend();
        Assert.Equal(data.Length, await reading);
        TimeSpan elapsed = clock.Elapsed;
        server.ShutdownSend();
        await client.Closed.WaitAsync(cancellationToken);
        await server.Closed.WaitAsync(cancellationToken);
        return (elapsed, client.Counters);
    }
}
