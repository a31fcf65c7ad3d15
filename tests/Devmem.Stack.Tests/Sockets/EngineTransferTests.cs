using System.Diagnostics;
using Devmem.Stack.Link;
using Devmem.Stack.Nic;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// The whole engine end to end: two engines on one memory link, ncdevmem's validation stream sent in
/// random-sized writes, received through the typed devmem receive with every byte checked where it lies
/// (device memory for the steered flow, host memory for the other), tokens returned, FIN both ways, and
/// nothing leaked.
/// </summary>
public sealed class EngineTransferTests(ITestOutputHelper output)
{
    private const int MiB = 1 << 20;

    [Fact]
    public async Task Ipv4_SteeredFlowArrivesInDeviceMemory_OtherFlowAsHostData()
    {
        using var pair = new EnginePair(ipv6: false, EnginePair.WireFrames);
        TimeSpan elapsed = await TransferAsync(pair, steeredBytes: 32 * MiB, unsteeredBytes: 1 * MiB, TimeSpan.FromSeconds(120));
        output.WriteLine($"IPv4, 32 MiB devmem over the memory link: {32 / elapsed.TotalSeconds:F1} MiB/s ({elapsed.TotalMilliseconds:F0} ms)");
        AssertAggregated(pair, output);
        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task Ipv4_WithoutReceiveAggregation_EverySegmentArrivesAlone()
    {
        using var pair = new EnginePair(ipv6: false, EnginePair.WireFrames);
        pair.B.ConfigureNic(nic => nic.GenericReceiveOffload = false);
        await TransferAsync(pair, steeredBytes: 4 * MiB, unsteeredBytes: MiB / 4, TimeSpan.FromSeconds(120));
        NicQueueStats stats = DevmemQueueStats(pair);
        Assert.Equal(0, stats.GroPackets);
        Assert.True(stats.Packets > 4 * MiB / 1460);
        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task Ipv4_ByteExactThroughLossReorderingDuplicationAndCorruption()
    {
        var faults = new FaultInjectorOptions { Seed = 7, LossRate = 0.05, ReorderRate = 0.10, DuplicateRate = 0.01, CorruptRate = 0.001 };
        var link = new MemoryLinkOptions { QueueLength = 1024, AToBFaults = faults, BToAFaults = faults with { Seed = 8 } };
        using var pair = new EnginePair(ipv6: false, link, EnginePair.MemoryLinkTimers);
        TimeSpan elapsed = await TransferAsync(pair, steeredBytes: 4 * MiB, unsteeredBytes: MiB / 4, TimeSpan.FromSeconds(300), wireDuplicates: true);
        output.WriteLine($"IPv4 with faults, 4 MiB devmem: {4 / elapsed.TotalSeconds:F1} MiB/s ({elapsed.TotalMilliseconds:F0} ms)");
        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task Ipv6_SteeredFlowArrivesInDeviceMemory_OtherFlowAsHostData()
    {
        using var pair = new EnginePair(ipv6: true, EnginePair.WireFrames);
        TimeSpan elapsed = await TransferAsync(pair, steeredBytes: 4 * MiB, unsteeredBytes: MiB / 4, TimeSpan.FromSeconds(120));
        output.WriteLine($"IPv6, 4 MiB devmem over the memory link: {4 / elapsed.TotalSeconds:F1} MiB/s ({elapsed.TotalMilliseconds:F0} ms)");
        AssertAggregated(pair, output);
        pair.DisposeAndAssertNoLeaks();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LinkCarryingGsoFrames_DeliversByteExact_InAFractionOfTheFrames(bool ipv6)
    {
        // The default link carries GSO frames whole.
        using var pair = new EnginePair(ipv6, new MemoryLinkOptions { QueueLength = 1024 });
        const int steered = 16 * MiB;
        TimeSpan elapsed = await TransferAsync(pair, steered, unsteeredBytes: MiB, TimeSpan.FromSeconds(120));
        NicQueueStats stats = DevmemQueueStats(pair);
        output.WriteLine($"{(ipv6 ? "IPv6" : "IPv4")}, 16 MiB devmem in GSO frames: {16 / elapsed.TotalSeconds:F1} MiB/s, {stats.Packets} frames on the devmem queue");

        // Slow start sends small segments at first; after that a frame carries up to 44 MSS.
        int mss = ipv6 ? 1440 : 1460;
        Assert.True(stats.Packets < steered / mss / 4, $"{stats.Packets} frames for {steered / mss} segments");

        // Every large buffer came back once the last frame was read.
        Assert.Equal(0, pair.Link.A.TransmitGsoBuffers!.Lent);
        Assert.Equal(0, pair.Link.B.TransmitGsoBuffers!.Lent);
        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task FaultsOnTheReceiversSide_SeeTheGsoFramesAsWireFrames()
    {
        // The link carries GSO frames (no faults on it); B's faults sit behind it, so they get the segments.
        FaultInjectingLink? faulty = null;
        var faults = new FaultInjectorOptions { Seed = 11, LossRate = 0.02, ReorderRate = 0.05, CorruptRate = 0.001 };
        using var pair = new EnginePair(ipv6: false, new MemoryLinkOptions { QueueLength = 1024 }, EnginePair.MemoryLinkTimers,
            linkOfB: link => faulty = new FaultInjectingLink(link, faults, transmit: null, maxFrameLength: link.MaxFrameLength, queueLength: 1024, ownsInner: false));
        await TransferAsync(pair, steeredBytes: 4 * MiB, unsteeredBytes: MiB / 4, TimeSpan.FromSeconds(300), wireDuplicates: true);
        output.WriteLine($"GSO frames cut in software: {faulty!.OffloadFramesSegmented}; frames lost: {faulty.ReceiveFaults!.Lost}");
        Assert.True(faulty.OffloadFramesSegmented > 0);
        Assert.Equal(0, faulty.OffloadFramesDropped);
        Assert.True(faulty.ReceiveFaults.Lost > 0);
        Assert.Equal(0, pair.Link.A.TransmitGsoBuffers!.Lent);
        pair.DisposeAndAssertNoLeaks();
        faulty.Dispose();
    }

    // The receiving NIC aggregated the steered flow's segments: fewer packets reached TCP than crossed the wire.
    private static void AssertAggregated(EnginePair pair, ITestOutputHelper output)
    {
        NicQueueStats stats = DevmemQueueStats(pair);
        output.WriteLine($"devmem queue: {stats.Packets} frames, {stats.GroWirePackets} of them in {stats.GroPackets} aggregates");
        Assert.True(stats.GroPackets > 0);
        Assert.True(stats.GroWirePackets >= 2 * stats.GroPackets);
    }

    private static NicQueueStats DevmemQueueStats(EnginePair pair)
    {
        NicQueueStats? stats = null;
        pair.B.ConfigureNic(nic => stats = nic.GetQueueStats(EnginePair.DevmemQueueId));
        return stats!;
    }

    // Both flows at once; returns how long the steered one took from first write to end of stream.
    private static async Task<TimeSpan> TransferAsync(EnginePair pair, int steeredBytes, int unsteeredBytes, TimeSpan timeout, bool wireDuplicates = false)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        using EngineTcpListener steered = pair.B.Listen(EnginePair.SteeredPort);
        using EngineTcpListener unsteered = pair.B.Listen(EnginePair.UnsteeredPort);
        byte[] data = NcdevmemPattern.Create(Math.Max(steeredBytes, unsteeredBytes));
        Task<TimeSpan> device = RunConnectionAsync(pair, steered, data.AsMemory(0, steeredBytes), DevmemDataKind.DeviceMemory, seed: 1, wireDuplicates, deadline.Token);
        Task<TimeSpan> host = RunConnectionAsync(pair, unsteered, data.AsMemory(0, unsteeredBytes), DevmemDataKind.Readable, seed: 2, wireDuplicates, deadline.Token);
        await Task.WhenAll(device, host);
        return await device;
    }

    // One connection: A writes the stream and shuts down; B reads it to the end and shuts down; A sees the
    // end of stream; A ends in TIME-WAIT and B in CLOSED, both cleanly. A wire that duplicates frames may
    // deliver A's last ACK again after B has gone: B's RST for it (RFC 9293, no TCB) lands at A's RCV.NXT and
    // ends A's TIME-WAIT early, as Linux does without tcp_rfc1337; A's close is still clean (Closed completes).
    private static async Task<TimeSpan> RunConnectionAsync(EnginePair pair, EngineTcpListener listener, ReadOnlyMemory<byte> data,
        DevmemDataKind kind, int seed, bool wireDuplicates, CancellationToken cancellationToken)
    {
        Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(listener.Port), cancellationToken);
        using EngineTcpSocket server = await accepting;
        var clock = Stopwatch.StartNew();
        Task<long> reading = Task.Run(() => DevmemStreamReader.ReadToEndAsync(server, pair.DmaBuf, kind, cancellationToken), cancellationToken);

        await RandomWrites.SendAsync(client, data, 64 * 1024, seed, cancellationToken);
        client.ShutdownSend();
        Assert.Equal(data.Length, await reading);
        TimeSpan elapsed = clock.Elapsed;

        // Aggregates and GSO frames count the wire segments they stand for (Linux's InSegs): one per MSS at least.
        Assert.True(server.Counters.SegmentsReceived >= data.Length / 1460, $"{server.Counters.SegmentsReceived} segments for {data.Length} bytes");

        server.ShutdownSend();
        Assert.Equal(0, await DevmemStreamReader.ReadToEndAsync(client, pair.DmaBuf, DevmemDataKind.Readable, cancellationToken));
        await client.Closed.WaitAsync(cancellationToken);
        await server.Closed.WaitAsync(cancellationToken);
        if (!wireDuplicates || client.State != TcpState.Closed)
        {
            Assert.Equal(TcpState.TimeWait, client.State);
        }

        Assert.Equal(TcpState.Closed, server.State);
        return elapsed;
    }
}
