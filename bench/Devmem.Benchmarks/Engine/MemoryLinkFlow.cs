using System.Diagnostics;
using System.Runtime.InteropServices;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;

namespace Devmem.Benchmarks.Engine;

/// <summary>
/// One flow engine to engine over the memory link for a fixed time, devmem receive with every token
/// returned: the `links` harness's memory-link rows, and `-- memlink [seconds] [mtu] [queue] [gso|wire]`, which prints it next to
/// <c>Buffer.MemoryCopy</c>'s rate measured in the same run (a quick reading of the EngineThroughput ratio,
/// and a steady load to profile).
/// </summary>
internal static class MemoryLinkFlow
{
    /// <summary>Frames the link dropped with its queue full during the last measurement (a sender outrunning its receiver).</summary>
    public static long TailDrops { get; private set; }

    /// <summary>
    /// CPU time the whole process spent per MiB delivered during the last measurement, in microseconds: on a shared
    /// machine, steadier than the rate, since other tenants take cores away rather than add work.
    /// </summary>
    public static double CpuMicrosecondsPerMiB { get; private set; }

    /// <summary>Gbit/s delivered to the receiving application over <paramref name="duration"/>, after a warm-up.</summary>
    public static async Task<double> MeasureAsync(int mtu, TimeSpan duration, CancellationToken cancellationToken, int queueLength = 4096, bool linkGso = true)
    {
        var tcp = TcpConnectionOptions.Default with { Mss = mtu - 40, ReceiveBufferSize = 4 << 20, SendBufferSize = 4 << 20 };
        var link = new MemoryLinkOptions { Mtu = mtu, QueueLength = queueLength, SegmentationOffload = linkGso };
        using var engines = new EnginePairOverMemoryLink(link, tcp);
        (EngineTcpSocket sender, EngineTcpSocket receiver) = await engines.ConnectAsync(cancellationToken);
        using (sender)
        using (receiver)
        {
            // Both ends on threads of their own with blocking calls, as the kernel sender and receiver it is
            // compared with run (iperf3, ncdevmem).
            var sink = new DevmemSink();
            Task<long> sinking = Task.Factory.StartNew(() => sink.Run(receiver), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            bool stop = false;
            Task sending = Task.Factory.StartNew(() =>
            {
                var data = new byte[256 * 1024];
                while (!Volatile.Read(ref stop))
                {
                    sender.Send(data, cancellationToken);
                }

                sender.ShutdownSend();
            }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            // Warm-up: the engines start in tier-0 code.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            long start = sink.Bytes;
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Task.Delay(duration, cancellationToken);
            long delivered = sink.Bytes - start;
            double gbitPerSecond = delivered * 8 / clock.Elapsed.TotalSeconds / 1e9;
            CpuMicrosecondsPerMiB = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / (delivered / (double)(1 << 20));
            Volatile.Write(ref stop, true);
            TailDrops = engines.TailDrops;
            await sending;
            await sinking;
            receiver.ShutdownSend();
            await Task.WhenAll(sender.Closed, receiver.Closed).WaitAsync(cancellationToken);
            return gbitPerSecond;
        }
    }

    /// <summary>Prints the flow's rate at <paramref name="mtu"/> next to the copy rate of 64 MiB buffers.</summary>
    public static async Task<int> RunAsync(int mtu, TimeSpan duration, int queueLength, bool linkGso)
    {
        double copy = MemoryCopyGbitPerSecond(duration);
        double flow = await MeasureAsync(mtu, duration, CancellationToken.None, queueLength, linkGso);
        double copyAfter = MemoryCopyGbitPerSecond(duration);
        Console.WriteLine($"memory link, MTU {mtu}, {queueLength}-frame queues, {(linkGso ? "GSO frames carried whole" : "wire-sized frames")}: engine to engine {flow:F2} Gbit/s; Buffer.MemoryCopy of 64 MiB {copy:F1} / {copyAfter:F1} Gbit/s (before / after)");
        Console.WriteLine($"engine rate as a fraction of the copy rate: {flow / ((copy + copyAfter) / 2):F3} (target 0.3); frames tail-dropped by the link: {TailDrops}");
        Console.WriteLine($"CPU time, all threads: {CpuMicrosecondsPerMiB:F0} µs per MiB delivered");
        return 0;
    }

    private static unsafe double MemoryCopyGbitPerSecond(TimeSpan duration)
    {
        const int bytes = 64 << 20;
        void* source = NativeMemory.AlignedAlloc(bytes, 4096);
        void* destination = NativeMemory.AlignedAlloc(bytes, 4096);
        try
        {
            NativeMemory.Fill(source, bytes, 0x5A);
            NativeMemory.Fill(destination, bytes, 0);
            long copies = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                Buffer.MemoryCopy(source, destination, bytes, bytes);
                copies++;
            }

            return copies * (double)bytes * 8 / clock.Elapsed.TotalSeconds / 1e9;
        }
        finally
        {
            NativeMemory.AlignedFree(source);
            NativeMemory.AlignedFree(destination);
        }
    }
}
