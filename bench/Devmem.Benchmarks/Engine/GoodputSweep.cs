using System.Diagnostics;
using System.Globalization;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Stack.Tcp.Congestion;

namespace Devmem.Benchmarks.Engine;

/// <summary>
/// The goodput table of the loss-recovery issue: one flow over a shaped memory link (100 Mbit/s, a given
/// RTT, random loss and reordering both ways) for a fixed time, bytes delivered through the devmem receive
/// path divided by that time. Each path runs twice, with SACK + CUBIC (the default) and with NewReno and
/// no SACK, so the gain of RFC 6675 recovery and RFC 9438 growth is visible side by side. Printed, never asserted.
/// </summary>
/// <remarks>Run with <c>dotnet run -c Release --project bench/Devmem.Benchmarks -- goodput [seconds per cell]</c>.</remarks>
internal static class GoodputSweep
{
    private const long LinkBitsPerSecond = 100_000_000;

    private static readonly double[] LossRates = [0, 0.001, 0.01, 0.05, 0.10];
    private static readonly int[] RttMilliseconds = [1, 10, 100];

    public static async Task RunAsync(TimeSpan perCell)
    {
        Console.WriteLine($"goodput in Mbit/s, one flow for {perCell.TotalSeconds:F0} s per cell over a {LinkBitsPerSecond / 1_000_000} Mbit/s memory link");
        Console.WriteLine("RTT     loss   reorder   SACK+CUBIC   NewReno, no SACK   ratio");
        foreach (int rtt in RttMilliseconds)
        {
            foreach (double loss in LossRates)
            {
                await RowAsync(rtt, loss, reorder: 0, perCell);
            }
        }

        await RowAsync(10, 0.01, reorder: 0.10, perCell);
    }

    private static async Task RowAsync(int rttMs, double loss, double reorder, TimeSpan perCell)
    {
        double modern = await MeasureAsync(rttMs, loss, reorder, sack: true, CongestionControlAlgorithm.Cubic, perCell);
        double legacy = await MeasureAsync(rttMs, loss, reorder, sack: false, CongestionControlAlgorithm.NewReno, perCell);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rttMs,3} ms  {loss * 100,5:F1}%  {reorder * 100,6:F0}%    {modern,9:F1}    {legacy,14:F1}     {(legacy > 0 ? modern / legacy : double.PositiveInfinity),6:F2}x"));
    }

    private static async Task<double> MeasureAsync(int rttMs, double loss, double reorder, bool sack, CongestionControlAlgorithm algorithm, TimeSpan duration)
    {
        var oneWay = TimeSpan.FromMilliseconds(rttMs / 2.0);
        FaultInjectorOptions Faults(int seed) => new()
        {
            Seed = seed,
            LossRate = loss,
            ReorderRate = reorder,
            Latency = oneWay,
            RateBitsPerSecond = LinkBitsPerSecond,

            // A bandwidth-delay product of frames plus a queue's worth: the shaper's buffer.
            HoldCapacity = 16_384,
        };

        var link = new MemoryLinkOptions { QueueLength = 4096, AToBFaults = Faults(1), BToAFaults = Faults(2) };
        var tcp = TcpConnectionOptions.Default with
        {
            SackPermitted = sack,
            CongestionControl = algorithm,
            MaxReceiveBufferSize = 8 << 20,
            SendBufferSize = 8 << 20,
        };

        using var engines = new EnginePairOverMemoryLink(link, tcp);
        using var stop = new CancellationTokenSource();
        (EngineTcpSocket sender, EngineTcpSocket receiver) = await engines.ConnectAsync(CancellationToken.None);
        using (sender)
        using (receiver)
        {
            var sink = new DevmemSink();
            Task receiving = Task.Run(() => sink.RunAsync(receiver, stop.Token));
            var data = new byte[256 * 1024];
            var clock = Stopwatch.StartNew();
            Task sending = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await sender.SendAsync(data, stop.Token);
                }
            });

            await Task.Delay(duration);
            long bytes = sink.Bytes;
            double seconds = clock.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await Task.WhenAll(sending, receiving).ContinueWith(_ => { }, TaskScheduler.Default);
            return bytes * 8 / seconds / 1e6;
        }
    }
}
