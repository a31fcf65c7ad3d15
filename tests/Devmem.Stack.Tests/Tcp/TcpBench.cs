using Devmem.Memory;
using Devmem.Receive;
using Devmem.Skb;
using Devmem.Stack.Tcp;
using Devmem.Stack.Tcp.Congestion;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>A segment a connection sent: its header and a copy of its payload.</summary>
internal sealed record SentSegment(TcpHeader Header, byte[] Payload)
{
    public TcpFlags Flags => Header.Flags;

    public uint Seq => Header.SequenceNumber;

    public uint Ack => Header.AcknowledgmentNumber;

    public override string ToString() => $"{Flags} seq {Seq} ack {Ack} win {Header.Window} len {Payload.Length} {Header.Options}";
}

/// <summary>
/// What TCP tests stand on: a manual clock, a bound dma-buf with its page pool (device memory, as the
/// emulated NIC lands payload), an skb pool, and connections whose receivers it tracks. Crafted segments
/// carry their payload as device-memory skbs built the NIC's way: payload written once into chunks, one
/// page-pool reference per frag. <see cref="CloseAndAssertNoLeaks"/> ends every test.
/// </summary>
internal sealed class TcpBench : IDisposable
{
    public const ushort LocalPort = 5001;
    public const ushort PeerPort = 40000;

    private readonly MemoryLeakScope _leaks;
    private readonly List<TcpConnection> _connections = [];
    private readonly byte[] _frame = new byte[65536];

    public TcpBench(int devicePages = 4096)
    {
        _leaks = MemoryLeakScope.Begin(nameof(TcpBench));
        DmaBuf = new HostDmaBuf((long)devicePages * Page.Size, "tcp-test-dmabuf");
        Binding = new DmaBufBinding(DmaBuf, BindingDirection.Rx);
        DevicePool = new PagePool(Binding, ringSize: 4096, name: "tcp-rx-device");
        Skbs = new SkbPool();
    }

    /// <summary>Options most tests use: no scaling and no timestamps, so every number on the wire is plain.</summary>
    public static TcpConnectionOptions Plain { get; } = new()
    {
        Mss = 1000,
        ReceiveBufferSize = 20000,
        SendBufferSize = 64 * 1024,
        WindowScaling = false,
        Timestamps = false,
        SackPermitted = true,

        // The figures these tests check are RFC 5681's and RFC 6298's: NewReno windows from eq. 1's initial
        // window, and a 1 s minimum RTO.
        CongestionControl = CongestionControlAlgorithm.NewReno,
        InitialWindowSegments = 0,
        MinRto = TimeSpan.FromSeconds(1),
    };

    /// <summary>The manual clock, in microseconds.</summary>
    public long Now { get; set; } = 1_000_000;

    public HostDmaBuf DmaBuf { get; }

    public DmaBufBinding Binding { get; }

    public PagePool DevicePool { get; }

    public SkbPool Skbs { get; }

    public void Advance(TimeSpan span) => Now += span.Ticks / TimeSpan.TicksPerMicrosecond;

    public void AdvanceTo(long time) => Now = Math.Max(Now, time);

    public TcpConnection NewConnection(TcpConnectionOptions? options = null, ushort localPort = LocalPort, ushort remotePort = PeerPort)
    {
        var tuple = TcpFourTuple.FromIPv4(new Ipv4Address(10, 0, 0, 1), localPort, new Ipv4Address(10, 0, 0, 2), remotePort);
        var connection = new TcpConnection(tuple, new DevmemReceiver(), options ?? Plain);
        _connections.Add(connection);
        return connection;
    }

    /// <summary>Tracks a connection created elsewhere (a listener, a demultiplexer) for the final teardown.</summary>
    public TcpConnection Track(TcpConnection connection)
    {
        if (!_connections.Contains(connection))
        {
            _connections.Add(connection);
        }

        return connection;
    }

    /// <summary>A header from the peer to us.</summary>
    public static TcpHeader Segment(uint seq, uint ack, TcpFlags flags, ushort window = 20000, TcpOptions options = default) => new()
    {
        SourcePort = PeerPort,
        DestinationPort = LocalPort,
        SequenceNumber = seq,
        AcknowledgmentNumber = ack,
        Flags = flags,
        Window = window,
        Options = options,
    };

    /// <summary>An skb holding <paramref name="data"/> in device memory, a chunk per frag (at most 4096 bytes each).</summary>
    public SkBuff DevicePayload(ReadOnlySpan<byte> data)
    {
        SkBuff skb = Skbs.Rent();
        while (!data.IsEmpty)
        {
            int size = Math.Min(data.Length, Page.Size);
            Assert.True(DevicePool.TryAllocate(out NetIov? netIov), "device page pool exhausted");
            data[..size].CopyTo(netIov.Span);
            Assert.True(skb.TryAddFrag(netIov, 0, size));
            data = data[size..];
        }

        return skb;
    }

    /// <summary>Hands a crafted segment (with a device-memory payload when <paramref name="data"/> is given) to the connection.</summary>
    public void Deliver(TcpConnection connection, in TcpHeader header, ReadOnlySpan<byte> data = default) =>
        connection.Process(header, data.IsEmpty ? null : DevicePayload(data), Now);

    /// <summary>Every segment the connection has ready now.</summary>
    public List<SentSegment> Drain(TcpConnection connection)
    {
        var sent = new List<SentSegment>();
        while (connection.TryDispatch(Now, _frame, out TcpHeader header, out int length))
        {
            sent.Add(new SentSegment(header, _frame.AsSpan(0, length).ToArray()));
            Assert.True(sent.Count < 10_000, "dispatch does not stop");
        }

        return sent;
    }

    /// <summary>The one segment the connection has ready now.</summary>
    public SentSegment Single(TcpConnection connection)
    {
        List<SentSegment> sent = Drain(connection);
        Assert.True(sent.Count == 1, $"expected one segment, got {sent.Count}: {string.Join(" | ", sent)}");
        return sent[0];
    }

    /// <summary>Moves the clock to the connection's next deadline and drains what it sends then.</summary>
    public List<SentSegment> RunToNextDeadline(TcpConnection connection)
    {
        long at = connection.PollAt(Now);
        Assert.NotEqual(TcpConnection.Never, at);
        AdvanceTo(at);
        return Drain(connection);
    }

    /// <summary>Reads everything queued on the receiver through the devmem path, returns the tokens, and gives the bytes.</summary>
    public byte[] ReceiveAll(DevmemReceiver receiver, bool returnTokens = true) => ReceiveAll(receiver, returnTokens, out _);

    public byte[] ReceiveAll(DevmemReceiver receiver, bool returnTokens, out List<uint> tokens)
    {
        tokens = [];
        var bytes = new List<byte>();
        var linear = new byte[65536];
        var fragments = new DevmemFragment[256];
        while (receiver.TryReceive(linear, fragments, int.MaxValue, MessageFlags.SockDevmem, out DevmemReceiveResult result) && result.Bytes > 0)
        {
            bytes.AddRange(linear.AsSpan(0, result.LinearBytes).ToArray());
            foreach (DevmemFragment fragment in fragments.AsSpan(0, result.FragmentCount))
            {
                Assert.Equal(Binding.Id, fragment.DmabufId);
                var chunk = new byte[fragment.Size];
                DmaBuf.Read((long)fragment.Offset, chunk);
                bytes.AddRange(chunk);
                tokens.Add(fragment.Token);
            }
        }

        if (returnTokens)
        {
            ReturnTokens(receiver, tokens);
        }

        return [.. bytes];
    }

    public static void ReturnTokens(DevmemReceiver receiver, IEnumerable<uint> tokens)
    {
        foreach (uint token in tokens)
        {
            Assert.Equal(1, receiver.ReturnTokens([DmabufToken.One(token)]));
        }
    }

    public static byte[] Pattern(int length, int seed = 0)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)((i * 31) + (i >> 8) + seed);
        }

        return data;
    }

    /// <summary>Tears every connection and receiver down and asserts that no skb, net_iov or token leaked.</summary>
    public void CloseAndAssertNoLeaks()
    {
        foreach (TcpConnection connection in _connections)
        {
            connection.Abort();
            connection.Receiver.Dispose();
            Assert.Equal(0, connection.Receiver.TokensOutstanding);
        }

        Assert.Equal(0, Skbs.InUse);
        Assert.Equal(0, Binding.HeldByUsers);
        DevicePool.Dispose();
        Binding.Dispose();
        _leaks.AssertNoLeaks();
    }

    public void Dispose()
    {
        foreach (TcpConnection connection in _connections)
        {
            connection.Receiver.Dispose();
        }

        DevicePool.Dispose();
        Binding.Dispose();
        DmaBuf.Dispose();
        _leaks.Dispose();
    }
}
