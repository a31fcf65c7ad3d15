using System.Diagnostics;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Stack.Tcp.Congestion;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// The loss-recovery issue's simulation sweep, as correctness: loss from 0 to 10%, reordering, round trips
/// of 1 to 100 ms, with SACK and CUBIC and with NewReno and no SACK; every cell delivers its bytes exactly
/// through the devmem receive path and leaks nothing. Sizes shrink as the path gets worse so the sweep stays
/// within CI time; the goodput of the same paths is the benchmark's job (`-- goodput`).
/// </summary>
public sealed class LossSweepTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 0.0, 0.0, true, 8)]
    [InlineData(1, 0.10, 0.10, true, 2)]
    [InlineData(1, 0.05, 0.10, false, 1)]
    [InlineData(10, 0.01, 0.0, true, 2)]
    [InlineData(10, 0.05, 0.10, true, 1)]
    [InlineData(10, 0.02, 0.05, false, 1)]
    [InlineData(100, 0.0, 0.0, true, 1)]
    [InlineData(100, 0.02, 0.05, true, 1)]
    public async Task EveryCell_DeliversByteExact_AndLeaksNothing(int rttMs, double loss, double reorder, bool sack, int mebibytes)
    {
        FaultInjectorOptions Faults(int seed) => new()
        {
            Seed = seed,
            LossRate = loss,
            ReorderRate = reorder,
            Latency = TimeSpan.FromMilliseconds(rttMs / 2.0),
            HoldCapacity = 8192,
        };

        var link = new MemoryLinkOptions { QueueLength = 4096, AToBFaults = Faults(rttMs), BToAFaults = Faults(rttMs + 1) };
        var tcp = TcpConnectionOptions.Default with
        {
            SackPermitted = sack,
            CongestionControl = sack ? CongestionControlAlgorithm.Cubic : CongestionControlAlgorithm.NewReno,
            DelayedAckTimeout = TimeSpan.FromMilliseconds(5),
        };

        using var pair = new EnginePair(ipv6: false, link, tcp);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        using EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort);
        Task<EngineTcpSocket> accepting = listener.AcceptAsync(deadline.Token).AsTask();
        using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), deadline.Token);
        using EngineTcpSocket server = await accepting;
        var clock = Stopwatch.StartNew();
        Task<long> reading = Task.Run(() => DevmemStreamReader.ReadToEndAsync(server, pair.DmaBuf, DevmemDataKind.DeviceMemory, deadline.Token), deadline.Token);
        byte[] data = NcdevmemPattern.Create(mebibytes << 20);
        await client.SendAsync(data, deadline.Token);
        client.ShutdownSend();
        Assert.Equal(data.Length, await reading);
        output.WriteLine($"RTT {rttMs} ms, loss {loss:P0}, reorder {reorder:P0}, {(sack ? "SACK+CUBIC" : "NewReno")}: {mebibytes} MiB in {clock.Elapsed.TotalSeconds:F2} s, {client.Counters.Retransmissions} retransmissions, {client.Counters.RetransmissionTimeouts} RTOs");
        server.ShutdownSend();
        await client.Closed.WaitAsync(deadline.Token);
        await server.Closed.WaitAsync(deadline.Token);
        pair.DisposeAndAssertNoLeaks();
    }
}
