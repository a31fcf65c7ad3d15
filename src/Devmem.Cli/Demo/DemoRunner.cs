using System.Diagnostics;
using Devmem.Cli.Transfer;
using Devmem.Cli.Validation;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Uapi;

namespace Devmem.Cli.Demo;

/// <summary>
/// <c>devmem demo</c>: a sender engine writes ncdevmem's <c>-v 7</c> stream to a receiver engine over the
/// memory link; the receiver's NIC splits headers and puts the payload into the dma-buf bound to its devmem
/// queue (host memory, or a GPU's); the application checks every byte where it lies (copied back first from a
/// GPU) and returns each token as it goes.
/// </summary>
internal sealed class DemoRunner
{
    private const ushort Port = 5201;

    // A whole number of pattern periods, so every write starts the pattern where the last one stopped.
    private const int WriteSize = NcdevmemPattern.DefaultPeriod * 8192;

    private readonly DemoOptions _options;
    private readonly TextWriter _mismatches;

    /// <param name="options">What to run.</param>
    /// <param name="mismatches">Where ncdevmem's line for each pattern mismatch goes (stderr).</param>
    public DemoRunner(DemoOptions options, TextWriter mismatches)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mismatches);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Bytes, nameof(options.Bytes));
        _options = options;
        _mismatches = mismatches;
    }

    /// <summary>Device and linear bytes received so far; read by the progress display.</summary>
    public ReceiveCounters Counters { get; } = new();

    /// <summary>Runs the transfer, tears both engines down and checks for leaks.</summary>
    public async Task<DemoReport> RunAsync(CancellationToken cancellationToken)
    {
        using var testbed = new MemoryLinkTestbed(new TestbedOptions { Ipv6 = _options.Ipv6, Faults = _options.Faults(), Memory = _options.Memory });
        testbed.SteerToDeviceMemory(Port);
        var validator = new NcdevmemValidator(NcdevmemPattern.DefaultPeriod, _mismatches);
        var consumer = new DevmemStreamConsumer(testbed.Binding.DmaBuf, testbed.Binding.Id, new ConsumerOptions { Validator = validator }, Counters);

        string? error;
        TimeSpan elapsed;
        long retransmits, lossProbes, timeouts;
        using (EngineTcpListener listener = testbed.Receiver.Listen(Port))
        {
            Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
            using EngineTcpSocket client = await testbed.Sender.ConnectAsync(testbed.ReceiverEndPoint(Port), cancellationToken).ConfigureAwait(false);
            using EngineTcpSocket server = await accepting.ConfigureAwait(false);
            TcpCounters sender = client.Counters;
            var clock = Stopwatch.StartNew();
            Task<string?> receiving = Task.Run(() => consumer.ConsumeAsync(new EngineDevmemSource(server.Receiver), cancellationToken), cancellationToken);
            Task sending = SendAsync(client, receiving, cancellationToken);
            error = await receiving.ConfigureAwait(false);
            elapsed = clock.Elapsed;
            if (error is null)
            {
                await sending.ConfigureAwait(false);
                error = Counters.Bytes == _options.Bytes ? null : $"received {Counters.Bytes} bytes of {_options.Bytes}";
                await CloseAsync(client, server, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // The receiver gave up; closing it resets the sender, whose failure is the consequence.
                server.Dispose();
                await sending.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }

            retransmits = sender.Retransmissions;
            lossProbes = sender.TailLossProbes;
            timeouts = sender.RetransmissionTimeouts;
        }

        PoolState pool = testbed.Pool();
        string memory = testbed.Memory;
        IReadOnlyDictionary<string, long> drops = testbed.Drops();
        TeardownReport teardown = testbed.Teardown();
        error ??= teardown.LeakReport ?? (teardown.SkbsInUse != 0 ? $"{teardown.SkbsInUse} skbs not returned" : null);
        double seconds = elapsed.TotalSeconds;
        return new DemoReport(
            Counters.Bytes,
            seconds,
            seconds > 0 ? Counters.Bytes * 8 / seconds / 1e9 : 0,
            Counters.DeviceFragments,
            Counters.PageAlignedFragments,
            Counters.LinearBytes,
            Counters.TokensIssued,
            Counters.TokensReturned,
            Validated: !validator.Failed && validator.Errors == 0 && validator.Validated == _options.Bytes,
            validator.Errors,
            error,
            drops,
            retransmits,
            lossProbes,
            timeouts,
            teardown.LeakedNetIovs,
            pool,
            memory);
    }

    // The sender writes the pattern and shuts down; it stops early if the receiver already finished (failed).
    private async Task SendAsync(EngineTcpSocket client, Task receiving, CancellationToken cancellationToken)
    {
        byte[] pattern = NcdevmemPattern.Create(NcdevmemPattern.DefaultPeriod, WriteSize);
        for (long sent = 0; sent < _options.Bytes && !receiving.IsCompleted;)
        {
            int length = (int)Math.Min(WriteSize, _options.Bytes - sent);
            await client.SendAsync(pattern.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            sent += length;
        }

        client.ShutdownSend();
    }

    // FIN both ways, as a well-behaved application closes; a peer that is gone is not this run's failure.
    private static async Task CloseAsync(EngineTcpSocket client, EngineTcpSocket server, CancellationToken cancellationToken)
    {
        server.ShutdownSend();
        try
        {
            await Task.WhenAll(client.Closed, server.Closed).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DevmemException or TimeoutException)
        {
            // Teardown releases whatever the connections still hold, and the leak check says if anything stayed.
        }
    }
}
