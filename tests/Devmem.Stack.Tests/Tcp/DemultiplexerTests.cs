using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// ISNs (RFC 6528), ephemeral ports (RFC 6056), the 4-tuple table, listeners with their SYN and accept
/// queues, and RSTs for segments nobody takes (RFC 9293 §3.10.7.1-§3.10.7.2).
/// </summary>
public class DemultiplexerTests
{
    private static readonly Ipv6Address Local = TcpFourTuple.MapIPv4(new Ipv4Address(10, 0, 0, 1));
    private static readonly Ipv6Address Remote = TcpFourTuple.MapIPv4(new Ipv4Address(10, 0, 0, 2));
    private static readonly byte[] Secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private static TcpFourTuple FromPeer(ushort peerPort, ushort localPort = 80) => new(Local, localPort, Remote, peerPort);

    private static TcpHeader Syn(ushort peerPort, uint seq = 5000, ushort localPort = 80) => new()
    {
        SourcePort = peerPort,
        DestinationPort = localPort,
        SequenceNumber = seq,
        Flags = TcpFlags.Syn,
        Window = 20000,
        Options = new TcpOptions { Mss = 1000 },
    };

    private static TcpHeader Ack(ushort peerPort, uint seq, uint ack) => new()
    {
        SourcePort = peerPort,
        DestinationPort = 80,
        SequenceNumber = seq,
        AcknowledgmentNumber = ack,
        Flags = TcpFlags.Ack,
        Window = 20000,
    };

    [Fact]
    public void Isn_IsAKeyedHashOfTheTuple_PlusAFourMicrosecondClock()
    {
        var isn = new InitialSequenceNumbers(Secret);
        TcpFourTuple tuple = FromPeer(40000);
        uint first = isn.Next(tuple, 1_000_000);
        Assert.Equal(first, new InitialSequenceNumbers(Secret).Next(tuple, 1_000_000));
        Assert.Equal(first + 250_000, isn.Next(tuple, 2_000_000));
        Assert.NotEqual(first, isn.Next(FromPeer(40001), 1_000_000));
        Assert.NotEqual(first, new InitialSequenceNumbers().Next(tuple, 1_000_000));
        Assert.Equal(isn.TimestampOffset(tuple), isn.TimestampOffset(tuple));
        Assert.NotEqual(isn.TimestampOffset(tuple), isn.TimestampOffset(FromPeer(40001)));
        Assert.Throws<ArgumentException>(() => new InitialSequenceNumbers(new byte[8]));
    }

    [Fact]
    public void EphemeralPorts_StayInTheRange_SkipTakenOnes_AndRunOut()
    {
        var ports = new EphemeralPortAllocator(50000, 50003);
        var taken = new HashSet<ushort>();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(ports.TryAllocate(Local, Remote, 80, static (port, set) => !set.Contains(port), taken, out ushort port));
            Assert.InRange(port, (ushort)50000, (ushort)50003);
            Assert.True(taken.Add(port));
        }

        Assert.False(ports.TryAllocate(Local, Remote, 80, static (port, set) => !set.Contains(port), taken, out _));
    }

    [Fact]
    public void SegmentForNobody_IsAnsweredWithRst_AndItsPayloadFreed()
    {
        using var bench = new TcpBench();
        var demux = new TcpDemultiplexer(new InitialSequenceNumbers(Secret));
        Assert.Null(demux.Process(FromPeer(40000), Ack(40000, 7, 99), bench.DevicePayload([1, 2]), bench.Now, out TcpHeader? reset));
        Assert.Equal((TcpFlags.Rst, 99u, (ushort)80, (ushort)40000), (reset!.Value.Flags, reset.Value.SequenceNumber, reset.Value.SourcePort, reset.Value.DestinationPort));
        Assert.Equal(1, demux.Counters.Dropped(TcpDropReason.NoConnection));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Listener_TakesASyn_CompletesTheHandshake_AndQueuesTheConnectionForAccept()
    {
        using var bench = new TcpBench();
        var isn = new InitialSequenceNumbers(Secret);
        var demux = new TcpDemultiplexer(isn);
        TcpListener listener = demux.Listen(Ipv6Address.Unspecified, 80, synBacklog: 4, acceptBacklog: 4, TcpBench.Plain);

        TcpConnection? c = demux.Process(FromPeer(40000), Syn(40000), null, bench.Now, out TcpHeader? reset);
        Assert.NotNull(c);
        Assert.Null(reset);
        bench.Track(c);
        Assert.Equal(TcpState.SynReceived, c.State);
        Assert.Equal(1, listener.SynQueueCount);
        Assert.Equal(1, demux.ConnectionCount);

        SentSegment synAck = bench.Single(c);
        uint iss = isn.Next(FromPeer(40000), bench.Now);
        Assert.Equal((TcpFlags.Syn | TcpFlags.Ack, iss, 5001u, (ushort)80, (ushort)40000), (synAck.Flags, synAck.Seq, synAck.Ack, synAck.Header.SourcePort, synAck.Header.DestinationPort));
        Assert.False(listener.TryAccept(out _));

        Assert.Same(c, demux.Process(FromPeer(40000), Ack(40000, 5001, iss + 1), null, bench.Now, out _));
        Assert.Equal(TcpState.Established, c.State);
        Assert.Equal(0, listener.SynQueueCount);
        Assert.True(listener.TryAccept(out TcpConnection? accepted));
        Assert.Same(c, accepted);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Listener_OffersEachFamilyTheMssThatFitsItsPackets()
    {
        using var bench = new TcpBench();
        var demux = new TcpDemultiplexer();
        demux.Listen(Ipv6Address.Unspecified, 80, 4, 4, TcpBench.Plain with { Mss = 1440 }, TcpBench.Plain with { Mss = 1460 });
        TcpConnection v4 = bench.Track(demux.Process(FromPeer(40000), Syn(40000), null, bench.Now, out _)!);
        var v6Tuple = new TcpFourTuple(Ipv6Address.Parse("fd00::1", null), 80, Ipv6Address.Parse("fd00::2", null), 40001);
        TcpConnection v6 = bench.Track(demux.Process(v6Tuple, Syn(40001), null, bench.Now, out _)!);
        Assert.Equal((ushort)1460, bench.Single(v4).Header.Options.Mss);
        Assert.Equal((ushort)1440, bench.Single(v6).Header.Options.Mss);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Listener_AnswersAnAckWithRst_AndIgnoresAnRst()
    {
        using var bench = new TcpBench();
        var demux = new TcpDemultiplexer();
        TcpListener listener = demux.Listen(Local, 80, 4, 4);
        Assert.Null(demux.Process(FromPeer(40000), Ack(40000, 7, 1234), null, bench.Now, out TcpHeader? reset));
        Assert.Equal((TcpFlags.Rst, 1234u), (reset!.Value.Flags, reset.Value.SequenceNumber));
        Assert.Null(demux.Process(FromPeer(40000), Ack(40000, 7, 1234) with { Flags = TcpFlags.Rst }, null, bench.Now, out reset));
        Assert.Null(reset);
        Assert.Equal(1, listener.Counters.Dropped(TcpDropReason.RstIgnored));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Backlog_SynQueueOverflowDropsSyns_AcceptQueueOverflowHoldsTheHandshake()
    {
        // Without SYN cookies (SynCookieTests has the default), as Linux with net.ipv4.tcp_syncookies = 0.
        using var bench = new TcpBench();
        var isn = new InitialSequenceNumbers(Secret);
        var demux = new TcpDemultiplexer(isn);
        TcpListener listener = demux.Listen(Local, 80, synBacklog: 2, acceptBacklog: 1, TcpBench.Plain with { SynCookies = false });
        TcpConnection first = bench.Track(demux.Process(FromPeer(40001), Syn(40001), null, bench.Now, out _)!);
        TcpConnection second = bench.Track(demux.Process(FromPeer(40002), Syn(40002), null, bench.Now, out _)!);
        bench.Drain(first);
        bench.Drain(second);
        Assert.Null(demux.Process(FromPeer(40003), Syn(40003), null, bench.Now, out TcpHeader? reset));
        Assert.Null(reset);
        Assert.Equal(1, listener.Counters.Dropped(TcpDropReason.SynQueueFull));

        uint secondIss = isn.Next(FromPeer(40002), bench.Now);
        demux.Process(FromPeer(40001), Ack(40001, 5001, isn.Next(FromPeer(40001), bench.Now) + 1), null, bench.Now, out _);
        Assert.Equal(1, listener.AcceptQueueCount);

        // The accept queue is full: the second handshake's ACK is ignored, and a new SYN too.
        Assert.Null(demux.Process(FromPeer(40002), Ack(40002, 5001, secondIss + 1), null, bench.Now, out _));
        Assert.Equal(TcpState.SynReceived, second.State);
        Assert.Null(demux.Process(FromPeer(40004), Syn(40004), null, bench.Now, out _));
        Assert.Equal(2, listener.Counters.Dropped(TcpDropReason.AcceptQueueFull));

        // Accepting makes room; the peer's next ACK completes the handshake.
        Assert.True(listener.TryAccept(out TcpConnection? accepted));
        Assert.Same(first, accepted);
        demux.Process(FromPeer(40002), Ack(40002, 5001, secondIss + 1), null, bench.Now, out _);
        Assert.Equal(TcpState.Established, second.State);
        Assert.True(listener.TryAccept(out accepted));
        Assert.Same(second, accepted);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void HalfOpenConnection_ThatTimesOut_LeavesTheSynQueueAndTheTable()
    {
        using var bench = new TcpBench();
        var demux = new TcpDemultiplexer();
        TcpListener listener = demux.Listen(Local, 80, 4, 4, TcpBench.Plain with { MaxSynRetransmissions = 1 });
        TcpConnection c = bench.Track(demux.Process(FromPeer(40000), Syn(40000), null, bench.Now, out _)!);
        bench.Drain(c);
        bench.RunToNextDeadline(c);
        demux.OnDispatched(c, bench.Now);
        Assert.Equal(1, listener.SynQueueCount);
        bench.RunToNextDeadline(c);
        demux.OnDispatched(c, bench.Now);
        Assert.Equal(TcpState.Closed, c.State);
        Assert.Equal(0, listener.SynQueueCount);
        Assert.Equal(0, demux.ConnectionCount);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ExactListenerWinsOverTheWildcard_AndAPortListensOnce()
    {
        using var bench = new TcpBench();
        var demux = new TcpDemultiplexer();
        TcpListener any = demux.Listen(Ipv6Address.Unspecified, 80, 4, 4);
        TcpListener exact = demux.Listen(Local, 80, 4, 4);
        bench.Track(demux.Process(FromPeer(40000), Syn(40000), null, bench.Now, out _)!);
        Assert.Equal((1, 0), (exact.SynQueueCount, any.SynQueueCount));
        var other = new TcpFourTuple(TcpFourTuple.MapIPv4(new Ipv4Address(10, 0, 0, 9)), 80, Remote, 40000);
        bench.Track(demux.Process(other, Syn(40000), null, bench.Now, out _)!);
        Assert.Equal(1, any.SynQueueCount);
        var ex = Assert.Throws<DevmemException>(() => demux.Listen(Local, 80, 4, 4));
        Assert.Equal(Errno.EADDRINUSE, ex.Errno);
        Assert.True(demux.StopListening(exact));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Connect_PicksAnEphemeralPort_AndTheReplyFindsTheConnection()
    {
        using var bench = new TcpBench();
        var isn = new InitialSequenceNumbers(Secret);
        var demux = new TcpDemultiplexer(isn);
        TcpConnection c = bench.Track(demux.Connect(Local, Remote, 443, bench.Now, TcpBench.Plain with { TimeWaitDuration = TimeSpan.FromSeconds(1) }));
        Assert.InRange(c.LocalPort, EphemeralPortAllocator.DefaultFirst, EphemeralPortAllocator.DefaultLast);
        SentSegment syn = bench.Single(c);
        Assert.Equal(isn.Next(c.Tuple, bench.Now), syn.Seq);
        Assert.True(demux.TryGetConnection(c.Tuple, out TcpConnection? found));
        Assert.Same(c, found);

        var synAck = new TcpHeader
        {
            SourcePort = 443,
            DestinationPort = c.LocalPort,
            SequenceNumber = 9000,
            AcknowledgmentNumber = syn.Seq + 1,
            Flags = TcpFlags.Syn | TcpFlags.Ack,
            Window = 20000,
            Options = new TcpOptions { Mss = 1000 },
        };
        Assert.Same(c, demux.Process(c.Tuple, synAck, null, bench.Now, out _));
        Assert.Equal(TcpState.Established, c.State);

        // A second connection to the same destination gets another port.
        TcpConnection d = bench.Track(demux.Connect(Local, Remote, 443, bench.Now));
        Assert.NotEqual(c.LocalPort, d.LocalPort);
        Assert.True(demux.Remove(d));
        Assert.Equal(1, demux.ConnectionCount);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void MalformedHeaders_AreDroppedAndCountedByReason_NeverThrown()
    {
        using var bench = new TcpBench();
        var demux = new TcpDemultiplexer();
        demux.Listen(Local, 80, 4, 4);
        byte[] header = new byte[24];
        new TcpHeader { SourcePort = 40000, DestinationPort = 80, Flags = TcpFlags.Syn, Options = new TcpOptions { Mss = 1000 } }.Emit(header);

        // An MSS option claiming length 9 in a 4-byte options area, then a zero length.
        header[21] = 9;
        Assert.Null(demux.ProcessSegment(FromPeer(40000), header, bench.DevicePayload([1, 2, 3]), bench.Now, out TcpHeader? reset));
        header[21] = 0;
        Assert.Null(demux.ProcessSegment(FromPeer(40000), header, null, bench.Now, out reset));
        Assert.Null(demux.ProcessSegment(FromPeer(40000), header.AsSpan(0, 12), null, bench.Now, out reset));
        Assert.Null(reset);
        Assert.Equal(2, demux.Counters.Dropped(TcpDropReason.BadOptions));
        Assert.Equal(1, demux.Counters.Dropped(TcpDropReason.MalformedHeader));
        Assert.Equal(0, demux.ConnectionCount);

        header[21] = 4;
        TcpConnection? c = demux.ProcessSegment(FromPeer(40000), header, null, bench.Now, out _);
        Assert.NotNull(c);
        bench.Track(c);
        bench.CloseAndAssertNoLeaks();
    }
}
