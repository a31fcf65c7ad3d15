using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// Two connections back to back in memory, no link layer: a few MiB one way and some data the other,
/// every payload landing in device memory as the NIC would put it, read through the devmem receive path
/// with tokens held for a while and returned, over a harness that loses, delays and reorders segments
/// from a seed. Byte-exact delivery, both ends closed, nothing leaked.
/// </summary>
public class TwoEndpointTransferTests
{
    private static readonly TcpConnectionOptions Options = TcpConnectionOptions.Default with
    {
        Mss = 1460,
        ReceiveBufferSize = 128 * 1024,
        SendBufferSize = 128 * 1024,
        MinRto = TimeSpan.FromMilliseconds(200),
        InitialRto = TimeSpan.FromMilliseconds(500),
        TimeWaitDuration = TimeSpan.FromSeconds(1),
    };

    [Theory]
    [InlineData(1, 0.0, 0.0)]
    [InlineData(2, 0.01, 0.05)]
    [InlineData(3, 0.03, 0.10)]
    [InlineData(4, 0.05, 0.20)]
    public void MegabytesFlowByteExact_ThroughLossAndReordering(int seed, double loss, double reorder)
    {
        using var bench = new TcpBench(devicePages: 8192);
        var network = new Network(bench, new Random(seed), loss, reorder);
        TcpConnection client = bench.NewConnection(Options, localPort: 40000, remotePort: 5001);
        TcpConnection server = bench.NewConnection(Options, localPort: 5001, remotePort: 40000);
        network.Server = server;
        network.Client = client;

        byte[] upload = TcpBench.Pattern(3 * 1024 * 1024, seed);
        byte[] download = TcpBench.Pattern(200 * 1024, seed + 1);
        var uploaded = new List<byte>(upload.Length);
        var downloaded = new List<byte>(download.Length);
        var heldTokens = new List<uint>();
        long heldSince = 0;
        int written = 0;
        int answered = 0;

        client.Connect(0xFFFF_0000u + (uint)seed);
        long deadline = bench.Now + (600L * 1_000_000);
        while (bench.Now < deadline && !(client.State == TcpState.Closed && server.State == TcpState.Closed))
        {
            // Client application: write what fits, close when all is written.
            if (written < upload.Length && client.State is TcpState.Established or TcpState.SynSent)
            {
                written += Math.Max(0, client.Send(upload.AsSpan(written)));
                if (written == upload.Length)
                {
                    client.Close();
                }
            }

            // Server application: read through devmem, keep the tokens ~5 ms before giving them back,
            // answer with its own data, and close once the client's stream ended.
            if (server.IsEstablishedOrLater)
            {
                if (heldTokens.Count > 0 && bench.Now - heldSince >= 5_000)
                {
                    TcpBench.ReturnTokens(server.Receiver, heldTokens);
                    heldTokens.Clear();
                }

                byte[] chunk = bench.ReceiveAll(server.Receiver, returnTokens: false, out List<uint> tokens);
                uploaded.AddRange(chunk);
                if (tokens.Count > 0)
                {
                    if (heldTokens.Count == 0)
                    {
                        heldSince = bench.Now;
                    }

                    heldTokens.AddRange(tokens);
                }

                if (answered < download.Length && server.State is TcpState.Established or TcpState.CloseWait)
                {
                    answered += Math.Max(0, server.Send(download.AsSpan(answered, Math.Min(4096, download.Length - answered))));
                }

                if (answered == download.Length && server.State == TcpState.CloseWait && uploaded.Count == upload.Length)
                {
                    TcpBench.ReturnTokens(server.Receiver, heldTokens);
                    heldTokens.Clear();
                    server.Close();
                }
            }

            if (client.IsEstablishedOrLater)
            {
                downloaded.AddRange(bench.ReceiveAll(client.Receiver));
            }

            network.Step();
        }

        Assert.Equal(TcpState.Closed, client.State);
        Assert.Equal(TcpState.Closed, server.State);
        Assert.Equal(upload.Length, uploaded.Count);
        Assert.True(upload.AsSpan().SequenceEqual(uploaded.ToArray()), "upload corrupted");
        Assert.True(download.AsSpan().SequenceEqual(downloaded.ToArray()), "download corrupted");
        if (loss > 0)
        {
            Assert.True(network.Lost > 0);
            Assert.True(client.Counters.Retransmissions > 0);
        }

        Assert.Equal(0, client.Counters.Dropped(TcpDropReason.OutOfOrderQueueFull) + server.Counters.Dropped(TcpDropReason.OutOfOrderQueueFull));
        bench.CloseAndAssertNoLeaks();
    }

    /// <summary>
    /// The medium: 1 ms one way, a seeded share of segments lost, another share held back up to 3 ms
    /// more (which reorders them). Payloads become device-memory skbs at the receiving end.
    /// </summary>
    private sealed class Network(TcpBench bench, Random random, double loss, double reorder)
    {
        private const long Delay = 1000;

        private readonly PriorityQueue<(TcpConnection To, TcpHeader Header, byte[] Payload), (long, long)> _inFlight = new();
        private readonly byte[] _buffer = new byte[65536];
        private long _order;
        private bool _serverOpened;

        public TcpConnection Server { get; set; } = null!;

        public TcpConnection Client { get; set; } = null!;

        public int Lost { get; private set; }

        // Sends what both ends have ready, then moves the clock to the next event and delivers what is due.
        public void Step()
        {
            Transmit(Client, Server);
            Transmit(Server, Client);
            long next = Math.Min(Client.PollAt(bench.Now), Server.PollAt(bench.Now));
            if (_inFlight.TryPeek(out _, out (long At, long) head))
            {
                next = Math.Min(next, head.At);
            }

            if (next == TcpConnection.Never)
            {
                return;
            }

            bench.AdvanceTo(next);
            while (_inFlight.TryPeek(out var segment, out (long At, long) key) && key.At <= bench.Now)
            {
                _inFlight.Dequeue();
                Deliver(segment.To, segment.Header, segment.Payload);
            }
        }

        private void Transmit(TcpConnection from, TcpConnection to)
        {
            while (from.TryDispatch(bench.Now, _buffer, out TcpHeader header, out int length))
            {
                if (random.NextDouble() < loss)
                {
                    Lost++;
                    continue;
                }

                long at = bench.Now + Delay + (random.NextDouble() < reorder ? random.Next(1, 3000) : 0);
                _inFlight.Enqueue((to, header, _buffer.AsSpan(0, length).ToArray()), (at, _order++));
            }
        }

        private void Deliver(TcpConnection to, in TcpHeader header, byte[] payload)
        {
            // The server side's listener: the first SYN opens the passive connection.
            if (ReferenceEquals(to, Server) && !_serverOpened)
            {
                if ((header.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn)
                {
                    _serverOpened = Server.AcceptSyn(header, null, 0x7000_0000, bench.Now);
                }

                return;
            }

            to.Process(header, payload.Length == 0 ? null : bench.DevicePayload(payload), bench.Now);
        }
    }
}
