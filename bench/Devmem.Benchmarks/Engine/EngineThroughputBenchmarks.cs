using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;

namespace Devmem.Benchmarks.Engine;

/// <summary>
/// Engine-to-engine throughput over the memory link, no faults: one flow of <see cref="TransferBytes"/>,
/// devmem receive into a host dma-buf with every token returned, against <c>Buffer.MemoryCopy</c> of the
/// same bytes in the same run (the baseline). Ratio is engine time over copy time, so the engine's rate
/// as a fraction of the copy's is 1 / Ratio (the target, 0.3, is a Ratio of 3.3 or less). Allocated is
/// per transfer, connection set-up and teardown included: divide by the segment count (TransferBytes / MSS)
/// for an upper bound on bytes per segment.
/// </summary>
[MemoryDiagnoser]
public class EngineThroughputBenchmarks
{
    private const int TransferBytes = 64 << 20;
    private byte[] _data = null!;
    private nint _copySource;
    private nint _copyDestination;
    private EnginePairOverMemoryLink _engines = null!;

    /// <summary>The memory link's MTU: Ethernet's 1500, or loopback's 65536 (less the Ethernet header's room).</summary>
    [Params(1500, 65000)]
    public int Mtu { get; set; }

    [GlobalSetup]
    public unsafe void Setup()
    {
        _data = new byte[256 * 1024];
        Random.Shared.NextBytes(_data);
        _copySource = (nint)NativeMemory.AlignedAlloc(TransferBytes, 4096);
        _copyDestination = (nint)NativeMemory.AlignedAlloc(TransferBytes, 4096);
        NativeMemory.Fill((void*)_copySource, TransferBytes, 0x5A);
        var tcp = TcpConnectionOptions.Default with
        {
            Mss = Mtu - 40,
            ReceiveBufferSize = 4 << 20,
            SendBufferSize = 4 << 20,
        };
        _engines = new EnginePairOverMemoryLink(new MemoryLinkOptions { Mtu = Mtu, QueueLength = 4096 }, tcp);

        // The engines start in tier-0 code, and a transfer's hot paths reach tier 1 only after a second or two of
        // traffic: far more than a short job's warm-up of a few operations. Transfers until then, so that the
        // measured ones run the code a long-lived engine runs.
        var warmUp = System.Diagnostics.Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(3))
        {
            EngineToEngine().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public unsafe void Cleanup()
    {
        _engines.Dispose();
        NativeMemory.AlignedFree((void*)_copySource);
        NativeMemory.AlignedFree((void*)_copyDestination);
    }

    [Benchmark(Baseline = true, Description = "Buffer.MemoryCopy 64 MiB")]
    public unsafe void MemoryCopy() => Buffer.MemoryCopy((void*)_copySource, (void*)_copyDestination, TransferBytes, TransferBytes);

    [Benchmark(Description = "engine to engine, devmem receive, 64 MiB")]
    public async Task<long> EngineToEngine()
    {
        (EngineTcpSocket sender, EngineTcpSocket receiver) = await _engines.ConnectAsync(CancellationToken.None);
        using (sender)
        using (receiver)
        {
            // Both ends on threads of their own with blocking calls, as iperf3 and ncdevmem run.
            var sink = new DevmemSink();
            Task<long> receiving = Task.Factory.StartNew(() => sink.Run(receiver), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            await Task.Factory.StartNew(() =>
            {
                for (int sent = 0; sent < TransferBytes; sent += _data.Length)
                {
                    sender.Send(_data);
                }

                sender.ShutdownSend();
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            long received = await receiving;
            receiver.ShutdownSend();
            await sender.Closed;
            await receiver.Closed;
            return received;
        }
    }
}
