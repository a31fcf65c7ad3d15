using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>SYN cookies (RFC 4987 §3.6): stateless SYN-ACKs when the SYN queue is full, and the handshakes they complete.</summary>
public class SynCookieTests
{
    private static readonly Ipv6Address Local = TcpFourTuple.MapIPv4(new Ipv4Address(10, 0, 0, 1));
    private static readonly Ipv6Address Remote = TcpFourTuple.MapIPv4(new Ipv4Address(10, 0, 0, 2));
    private static readonly byte[] Secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private static TcpFourTuple FromPeer(ushort peerPort) => new(Local, 80, Remote, peerPort);

    private static TcpHeader Syn(ushort peerPort, uint seq = 5000) => new()
    {
        SourcePort = peerPort,
        DestinationPort = 80,
        SequenceNumber = seq,
        Flags = TcpFlags.Syn,
        Window = 20000,
        Options = new TcpOptions { Mss = 1460, WindowScale = 7, SackPermitted = true },
    };

    private static TcpHeader Ack(ushort peerPort, uint seq, uint ack) => new()
    {
        SourcePort = peerPort,
        DestinationPort = 80,
        SequenceNumber = seq,
        AcknowledgmentNumber = ack,
        Flags = TcpFlags.Ack,
        Window = 30000,
    };

    // A listener with a one-entry SYN queue, already full.
    private static (TcpDemultiplexer Demux, TcpListener Listener) FullSynQueue(TcpBench bench, TcpConnectionOptions options)
    {
        var demux = new TcpDemultiplexer(new InitialSequenceNumbers(Secret));
        TcpListener listener = demux.Listen(Local, 80, synBacklog: 1, acceptBacklog: 8, options);
        bench.Drain(bench.Track(demux.Process(FromPeer(40000), Syn(40000), null, bench.Now, out _)!));
        return (demux, listener);
    }

    [Fact]
    public void AFullSynQueue_AnswersWithACookie_AndItsAckRestoresTheConnection_DataIncluded()
    {
        using var bench = new TcpBench();
        (TcpDemultiplexer demux, TcpListener listener) = FullSynQueue(bench, TcpBench.Plain with { Mss = 1460 });

        Assert.Null(demux.Process(FromPeer(40001), Syn(40001, seq: 9000), null, bench.Now, out TcpHeader? reply));
        TcpHeader synAck = Assert.IsType<TcpHeader>(reply);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(9001u, synAck.AcknowledgmentNumber);
        Assert.Null(synAck.Options.WindowScale);
        Assert.False(synAck.Options.SackPermitted);
        Assert.Equal(1, listener.Counters.SynCookiesSent);
        Assert.Equal(1, listener.SynQueueCount);

        // The final ACK carries three bytes: the connection comes back ESTABLISHED, with the cookie's MSS,
        // and the data is in its receive queue.
        bench.Advance(TimeSpan.FromSeconds(30));
        TcpConnection restored = bench.Track(demux.Process(FromPeer(40001), Ack(40001, 9001, synAck.SequenceNumber + 1), bench.DevicePayload([1, 2, 3]), bench.Now, out reply)!);
        Assert.Null(reply);
        Assert.Equal(TcpState.Established, restored.State);
        Assert.Equal(1460, restored.SendMss);
        Assert.Equal(30000, restored.SendWindow);
        Assert.False(restored.SackPermitted);
        Assert.Equal(1, listener.Counters.SynCookiesValidated);
        Assert.Equal(1, listener.AcceptQueueCount);
        Assert.Equal([1, 2, 3], bench.ReceiveAll(restored.Receiver));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void AForgedOrExpiredCookie_GetsAnRst()
    {
        using var bench = new TcpBench();
        (TcpDemultiplexer demux, TcpListener listener) = FullSynQueue(bench, TcpBench.Plain);
        demux.Process(FromPeer(40001), Syn(40001, seq: 9000), null, bench.Now, out TcpHeader? reply);
        uint cookie = reply!.Value.SequenceNumber;

        Assert.Null(demux.Process(FromPeer(40001), Ack(40001, 9001, cookie + 2), null, bench.Now, out reply));
        Assert.Equal(TcpFlags.Rst, reply!.Value.Flags);
        Assert.Null(demux.Process(FromPeer(40002), Ack(40002, 9001, cookie + 1), null, bench.Now, out reply));
        Assert.Equal(2, listener.Counters.SynCookiesFailed);

        // Two counter ticks later (about 134 s) the right cookie has expired too.
        bench.Advance(TimeSpan.FromMicroseconds(2 * SynCookies.TickMicroseconds));
        demux.Process(FromPeer(40003), Syn(40003), null, bench.Now, out _);
        Assert.Null(demux.Process(FromPeer(40001), Ack(40001, 9001, cookie + 1), null, bench.Now, out reply));
        Assert.Equal(TcpFlags.Rst, reply!.Value.Flags);
        Assert.Equal(0, listener.Counters.SynCookiesValidated);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void WithoutARecentOverflow_AnAckIsNotCheckedAsACookie()
    {
        using var bench = new TcpBench();
        var demux = new TcpDemultiplexer(new InitialSequenceNumbers(Secret));
        TcpListener listener = demux.Listen(Local, 80, synBacklog: 4, acceptBacklog: 4, TcpBench.Plain);
        Assert.Null(demux.Process(FromPeer(40001), Ack(40001, 9001, 1234), null, bench.Now, out TcpHeader? reply));
        Assert.Equal(TcpFlags.Rst, reply!.Value.Flags);
        Assert.Equal(0, listener.Counters.SynCookiesFailed);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void CookiesOff_DropTheSyn()
    {
        using var bench = new TcpBench();
        (TcpDemultiplexer demux, TcpListener listener) = FullSynQueue(bench, TcpBench.Plain with { SynCookies = false });
        Assert.Null(demux.Process(FromPeer(40001), Syn(40001), null, bench.Now, out TcpHeader? reply));
        Assert.Null(reply);
        Assert.Equal(1, listener.Counters.Dropped(TcpDropReason.SynQueueFull));
        Assert.Equal(0, listener.Counters.SynCookiesSent);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void TheCookie_CarriesTheLargestTableMssNotAboveThePeers()
    {
        var cookies = new SynCookies(Secret);
        foreach ((int offered, int carried) in new[] { (1460, 1460), (1450, 1440), (9000, 8960), (600, 536), (65535, 65495) })
        {
            uint cookie = cookies.Create(FromPeer(40000), 77, offered, 1_000_000);
            Assert.True(cookies.TryValidate(FromPeer(40000), cookie, 77, 1_000_000, out int mss));
            Assert.Equal(carried, mss);
            Assert.False(cookies.TryValidate(FromPeer(40000), cookie, 78, 1_000_000, out _));
            Assert.False(cookies.TryValidate(FromPeer(40001), cookie, 77, 1_000_000, out _));
        }
    }
}
