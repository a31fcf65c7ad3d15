using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;

namespace Devmem.Benchmarks.Engine;

/// <summary>
/// Engine-to-engine throughput over the memory link, no faults: <see cref="TransferBytes"/> more of one established
/// flow per operation, devmem receive into a host dma-buf with every token returned, against
/// <c>Buffer.MemoryCopy</c> of the same bytes in the same run (the baseline). Ratio is engine time over copy time,
/// so the engine's rate as a fraction of the copy's is 1 / Ratio (the target, 0.3, is a Ratio of 3.3 or less).
/// The connection is made once, as iperf3 measures an established flow: what an operation allocates is what
/// the data path allocates (0 B per segment is the target). `-- transfers` times connection set-up and close.
/// </summary>
[MemoryDiagnoser]
public class EngineThroughputBenchmarks
{
    private const int TransferBytes = 64 << 20;
    private readonly SemaphoreSlim _go = new(0);
    private byte[] _data = null!;
    private nint _copySource;
    private nint _copyDestination;
    private EnginePairOverMemoryLink _engines = null!;
    private EngineTcpSocket _sender = null!;
    private EngineTcpSocket _receiver = null!;
    private DevmemSink _sink = null!;
    private Task<long> _receiving = null!;
    private Thread _sending = null!;
    private long _requested;
    private volatile bool _stopping;

    /// <summary>The memory link's MTU: Ethernet's 1500, or loopback's 65536 (less the Ethernet header's room).</summary>
    [Params(1500, 65000)]
    public int Mtu { get; set; }

    /// <summary>
    /// Whether the link carries GSO frames whole, as a veth does (<see cref="MemoryLinkOptions.SegmentationOffload"/>),
    /// or one frame per MSS, as a wire between two NICs does.
    /// </summary>
    [Params(false, true)]
    public bool LinkGso { get; set; }

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
        _engines = new EnginePairOverMemoryLink(new MemoryLinkOptions { Mtu = Mtu, QueueLength = 4096, SegmentationOffload = LinkGso }, tcp);
        (_sender, _receiver) = _engines.ConnectAsync(CancellationToken.None).GetAwaiter().GetResult();

        // Both ends on threads of their own with blocking calls, as iperf3 and ncdevmem run: the receiver reads
        // to the end of the stream, the sender sends TransferBytes each time an operation asks.
        _sink = new DevmemSink();
        _receiving = Task.Factory.StartNew(() => _sink.Run(_receiver), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _sending = new Thread(SendWhenAsked) { IsBackground = true, Name = "benchmark sender" };
        _sending.Start();

        // The engines start in tier-0 code, and a flow's hot paths reach tier 1 only after a second or two of
        // traffic: far more than a short job's warm-up of a few operations. Operations until then, so that the
        // measured ones run the code a long-lived engine runs.
        var warmUp = System.Diagnostics.Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(3))
        {
            EngineToEngine();
        }
    }

    [GlobalCleanup]
    public unsafe void Cleanup()
    {
        _stopping = true;
        _go.Release();
        _sending.Join();
        _receiving.GetAwaiter().GetResult();
        _receiver.ShutdownSend();
        _sender.Closed.GetAwaiter().GetResult();
        _receiver.Closed.GetAwaiter().GetResult();
        _sender.Dispose();
        _receiver.Dispose();
        _engines.Dispose();
        NativeMemory.AlignedFree((void*)_copySource);
        NativeMemory.AlignedFree((void*)_copyDestination);
    }

    [Benchmark(Baseline = true, Description = "Buffer.MemoryCopy 64 MiB")]
    public unsafe void MemoryCopy() => Buffer.MemoryCopy((void*)_copySource, (void*)_copyDestination, TransferBytes, TransferBytes);

    [Benchmark(Description = "engine to engine, devmem receive, 64 MiB")]
    public long EngineToEngine()
    {
        _requested += TransferBytes;
        _go.Release();
        _sink.WaitUntil(_requested);
        return _requested;
    }

    private void SendWhenAsked()
    {
        while (true)
        {
            _go.Wait();
            if (_stopping)
            {
                _sender.ShutdownSend();
                return;
            }

            for (int sent = 0; sent < TransferBytes; sent += _data.Length)
            {
                _sender.Send(_data);
            }
        }
    }
}
