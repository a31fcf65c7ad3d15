using System.Diagnostics;
using System.Globalization;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;

namespace Devmem.Benchmarks.Engine;

/// <summary>
/// Where the time of one <see cref="EngineThroughputBenchmarks"/> operation goes: `-- transfers [count] [mtu] [gso|wire]`
/// runs that operation (connect, 64 MiB devmem, close) back to back and prints each phase, so that set-up and
/// teardown can be told apart from the data's own rate.
/// </summary>
internal static class TransferPhases
{
    private const int TransferBytes = 64 << 20;

    public static async Task<int> RunAsync(int count, int mtu, bool linkGso)
    {
        var tcp = TcpConnectionOptions.Default with { Mss = mtu - 40, ReceiveBufferSize = 4 << 20, SendBufferSize = 4 << 20 };
        using var engines = new EnginePairOverMemoryLink(new MemoryLinkOptions { Mtu = mtu, QueueLength = 4096, SegmentationOffload = linkGso }, tcp);
        var data = new byte[256 * 1024];
        Console.WriteLine($"MTU {mtu}, {(linkGso ? "GSO" : "wire-sized")} frames: connect / first byte / data / last byte to closed, ms; Gbit/s of the data phase");
        for (int i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            (EngineTcpSocket sender, EngineTcpSocket receiver) = await engines.ConnectAsync(CancellationToken.None);
            double connected = clock.Elapsed.TotalMilliseconds;
            using (sender)
            using (receiver)
            {
                var sink = new DevmemSink();
                Task<long> receiving = Task.Factory.StartNew(() => sink.Run(receiver), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                Task sending = Task.Factory.StartNew(() =>
                {
                    for (int sent = 0; sent < TransferBytes; sent += data.Length)
                    {
                        sender.Send(data);
                    }

                    sender.ShutdownSend();
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                while (sink.Bytes == 0)
                {
                    Thread.Yield();
                }

                double firstByte = clock.Elapsed.TotalMilliseconds;
                await sending;
                await receiving;
                double received = clock.Elapsed.TotalMilliseconds;
                receiver.ShutdownSend();
                await sender.Closed;
                await receiver.Closed;
                double closed = clock.Elapsed.TotalMilliseconds;
                double dataMs = received - firstByte;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{i,3}: {connected,6:F2} / {firstByte - connected,6:F2} / {dataMs,7:F2} / {closed - received,6:F2}   {TransferBytes * 8 / dataMs / 1e6,6:F1}"));
            }
        }

        return 0;
    }
}
