using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Uapi;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// Nothing is allocated per segment in steady state over the memory link, by anyone: the application's sends
/// and devmem receives, both engines' loops and their wake-ups. Counted for the whole process
/// (<see cref="GC.GetTotalAllocatedBytes"/>), so the collection runs alone.
/// </summary>
[Collection(nameof(EngineAllocationCollection))]
public sealed class EngineAllocationTests(ITestOutputHelper output)
{
    private const int MiB = 1 << 20;

    // Rounds of well over 10,000 segments, so that a per-segment allocation (24 B at the least) stands far
    // above the runtime's and the test host's background of a few kilobytes a round. Ethernet's MTU, and a
    // jumbo one whose payload spans three page-pool chunks; and a link that carries 64 KiB GSO frames, where the
    // unit is the frame (44 segments each), so the rounds are longer and the bound is per frame.
    [Theory]
    [InlineData(1500, 32, false)]
    [InlineData(9000, 128, false)]
    [InlineData(1500, 256, true)]
    public async Task A_devmem_transfer_allocates_nothing_per_segment_once_warm(int mtu, int mibPerRound, bool linkGso)
    {
        var tcp = TcpConnectionOptions.Default with { Mss = mtu - 40, ReceiveBufferSize = 4 * MiB, SendBufferSize = 4 * MiB };
        using var pair = new EnginePair(ipv6: false, new MemoryLinkOptions { Mtu = mtu, QueueLength = 1024, SegmentationOffload = linkGso }, tcp);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(5));
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort))
        {
            Task<EngineTcpSocket> accepting = listener.AcceptAsync(deadline.Token).AsTask();
            using EngineTcpSocket sender = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), deadline.Token);
            using EngineTcpSocket receiver = await accepting;
            var sink = new TokenReturningSink(receiver);
            Task<long> receiving = Task.Run(() => sink.RunAsync(deadline.Token), deadline.Token);
            var data = new byte[256 * 1024];

            // Warm-up: JIT, the receive window's auto-tuning, pools and queues at their working sizes. The link's
            // GSO buffers are allocated as the frames in flight first need them, one 64 KiB buffer per new peak, so
            // with GSO frames the warm-up goes on until two stretches of 128 MiB in a row need no new one.
            long warmUp = 16L * MiB;
            await SendAsync(sender, data, warmUp, deadline.Token);
            GsoBufferPool? gsoBuffers = pair.Link.A.TransmitGsoBuffers;
            for (int still = 0; linkGso && still < 2 && warmUp < 4096L * MiB; warmUp += 128 * MiB)
            {
                int before = gsoBuffers!.Allocated;
                await SendAsync(sender, data, 128 * MiB, deadline.Token);
                still = gsoBuffers.Allocated == before ? still + 1 : 0;
            }

            // The best of three rounds: an allocation per segment shows in every round, while a one-off in the
            // runtime (a thread-pool thread starting, tiered compilation) can only spoil one.
            long best = long.MaxValue;
            long units = 0;
            for (int round = 0; round < 3; round++)
            {
                long segmentsBefore = sender.Counters.SegmentsSent;
                long framesBefore = FramesReceived(pair);
                long before = GC.GetTotalAllocatedBytes(precise: true);
                await SendAsync(sender, data, mibPerRound * MiB, deadline.Token);
                long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                long segments = sender.Counters.SegmentsSent - segmentsBefore;
                long frames = FramesReceived(pair) - framesBefore;
                units = Math.Min(segments, frames);
                output.WriteLine($"MTU {mtu}{(linkGso ? ", GSO frames" : "")}, round {round}: {allocated} B over {segments} segments in {frames} frames");
                best = Math.Min(best, allocated);
            }

            // Under two bytes a segment (a frame, where frames are fewer): an object (24 B at the least) made for
            // every one, or even for one in ten, would be over it; the background stays well under.
            Assert.True(best < 2 * units, $"{best} B allocated over {units} segments or frames in the best round");

            sender.ShutdownSend();
            Assert.Equal(warmUp + 3L * mibPerRound * MiB, await receiving);
        }

        pair.DisposeAndAssertNoLeaks();
    }

    // Frames B's NIC took on its devmem queue (read outside the measured window: the call allocates).
    private static long FramesReceived(EnginePair pair)
    {
        long frames = 0;
        pair.B.ConfigureNic(nic => frames = nic.GetQueueStats(EnginePair.DevmemQueueId).Packets);
        return frames;
    }

    // Continuations stay off the test framework's synchronisation context, whose posts would allocate.
    private static async Task SendAsync(EngineTcpSocket socket, byte[] data, long bytes, CancellationToken cancellationToken)
    {
        for (long sent = 0; sent < bytes; sent += data.Length)
        {
            await socket.SendAsync(data, cancellationToken).ConfigureAwait(false);
        }
    }

    // ncdevmem --sink: receives descriptors and gives every token back, 128 at a time, from buffers allocated once.
    private sealed class TokenReturningSink(EngineTcpSocket socket)
    {
        private readonly byte[] _linear = new byte[64 * 1024];
        private readonly DevmemFragment[] _fragments = new DevmemFragment[DevmemUapi.MaxDontneedFrags];
        private readonly DmabufToken[] _tokens = new DmabufToken[DevmemUapi.MaxDontneedTokens];

        public async Task<long> RunAsync(CancellationToken cancellationToken)
        {
            long bytes = 0;
            while (true)
            {
                DevmemReceiveResult result = await socket.Receiver.ReceiveAsync(_linear, _fragments, MiB, MessageFlags.SockDevmem, cancellationToken)
                    .ConfigureAwait(false);
                if (result.IsEndOfStream)
                {
                    return bytes;
                }

                int count = 0;
                foreach (DevmemFragment fragment in _fragments.AsSpan(0, result.FragmentCount))
                {
                    if (!fragment.IsLinear)
                    {
                        _tokens[count++] = DmabufToken.One(fragment.Token);
                    }

                    if (count == _tokens.Length)
                    {
                        socket.Receiver.ReturnTokens(_tokens);
                        count = 0;
                    }
                }

                socket.Receiver.ReturnTokens(_tokens.AsSpan(0, count));
                bytes += result.Bytes;
            }
        }
    }
}

/// <summary>Allocation is counted for the whole process, so these tests run by themselves.</summary>
[CollectionDefinition(nameof(EngineAllocationCollection), DisableParallelization = true)]
public sealed class EngineAllocationCollection;
