using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// The send path: segmentation by MSS within the send and congestion windows, PSH at the end of a write,
/// Nagle (RFC 9293 §3.7.4) and its NoDelay switch, sender SWS avoidance (§3.8.6.2.1), and ACKs freeing
/// the send buffer.
/// </summary>
public class SendPathTests
{
    [Fact]
    public void Data_IsCutIntoMssSegments_UpToTheInitialWindow_LastShortOneHeldByNagle()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        byte[] data = TcpBench.Pattern(4500);
        Assert.Equal(4500, c.Send(data));

        // Initial window: 4 * SMSS for an SMSS of 1000 (RFC 5681 §3.1).
        List<SentSegment> sent = bench.Drain(c);
        Assert.Equal(4, sent.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal((TcpFlags.Ack, Iss + 1 + (uint)(i * 1000), PeerIss + 1), (sent[i].Flags, sent[i].Seq, sent[i].Ack));
            Assert.Equal(data.AsSpan(i * 1000, 1000).ToArray(), sent[i].Payload);
        }

        // The ACK of all four: the last 500 bytes go, with PSH.
        bench.Deliver(c, PeerAck(4000));
        SentSegment last = bench.Single(c);
        Assert.Equal((TcpFlags.Ack | TcpFlags.Psh, Iss + 4001), (last.Flags, last.Seq));
        Assert.Equal(data[4000..], last.Payload);
        Assert.Equal(500, c.SendQueued);

        bench.Deliver(c, PeerAck(4500));
        Assert.Equal(0, c.SendQueued);
        Assert.Equal(TcpConnection.Never, c.PollAt(bench.Now));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void StagedData_GoesOutOnceAccepted_BeforeTheFin_AndNotAfterIt()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        byte[] data = TcpBench.Pattern(1500);

        // Staged from another thread: TCP does not see it until the connection's thread accepts it.
        Assert.Equal(1000, c.StageSend(data.AsSpan(0, 1000)));
        Assert.Empty(bench.Drain(c));
        Assert.Equal(0, c.SendQueued);
        c.AcceptStagedSend();
        SentSegment first = bench.Single(c);
        Assert.Equal(Iss + 1, first.Seq);
        Assert.Equal(data[..1000], first.Payload);

        // Staged, then closed: the bytes go before the FIN.
        c.StageSend(data.AsSpan(1000));
        c.Close();
        bench.Deliver(c, PeerAck(1000));
        SentSegment last = bench.Single(c);
        Assert.Equal((TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin, Iss + 1001), (last.Flags, last.Seq));
        Assert.Equal(data[1000..], last.Payload);

        // Staged after the FIN: never sent.
        c.StageSend(new byte[10]);
        c.AcceptStagedSend();
        Assert.Empty(bench.Drain(c));
        bench.Deliver(c, PeerAck(1501));
        Assert.Equal(TcpState.FinWait2, c.State);
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Nagle_HoldsASmallWriteWhileDataIsInFlight_NoDelaySendsIt()
    {
        using var bench = new TcpBench();
        TcpConnection nagle = EstablishActive(bench);
        nagle.Send(new byte[100]);
        Assert.Single(bench.Drain(nagle));
        nagle.Send(new byte[100]);
        Assert.Empty(bench.Drain(nagle));
        bench.Deliver(nagle, PeerAck(100));
        SentSegment second = bench.Single(nagle);
        Assert.Equal((Iss + 101, 100), (second.Seq, second.Payload.Length));

        TcpConnection noDelay = EstablishActive(bench, TcpBench.Plain with { NoDelay = true });
        noDelay.Send(new byte[100]);
        noDelay.Send(new byte[100]);
        Assert.Single(bench.Drain(noDelay));
        noDelay.Send(new byte[100]);
        Assert.Single(bench.Drain(noDelay));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SendWindow_LimitsWhatIsInFlight_AndSwsAvoidanceHoldsASliver()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, peerWindow: 2500);
        c.Send(TcpBench.Pattern(3000));
        List<SentSegment> sent = bench.Drain(c);
        Assert.Equal(2, sent.Count);

        // 500 bytes fit the window, but that is neither all the data nor half the largest window: wait.
        bench.Deliver(c, PeerAck(1000, window: 1500));
        Assert.Empty(bench.Drain(c));
        bench.Deliver(c, PeerAck(2000, window: 2500));
        SentSegment rest = bench.Single(c);
        Assert.Equal((Iss + 2001, 1000), (rest.Seq, rest.Payload.Length));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Send_TakesWhatTheBufferHolds_AndRefusesAfterClose()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench, TcpBench.Plain with { SendBufferSize = 1500 });
        Assert.Equal(1500, c.Send(new byte[2000]));
        Assert.Equal(0, c.Send(new byte[10]));
        Assert.Equal(0, c.SendSpace);
        c.Close();
        Assert.Equal(-(int)Errno.EPIPE, c.Send(new byte[1]));
        Assert.Equal(-(int)Errno.ENOTCONN, bench.NewConnection().Send(new byte[1]));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void DataWrittenBeforeTheHandshakeCompletes_GoesOutOnceEstablished()
    {
        using var bench = new TcpBench();
        TcpConnection c = bench.NewConnection();
        c.Connect(Iss);
        Assert.Equal(300, c.Send(TcpBench.Pattern(300)));
        Assert.Single(bench.Drain(c));
        bench.Deliver(c, TcpBench.Segment(PeerIss, Iss + 1, TcpFlags.Syn | TcpFlags.Ack, options: new TcpOptions { Mss = 1000 }));
        SentSegment data = bench.Single(c);
        Assert.Equal((TcpFlags.Ack | TcpFlags.Psh, Iss + 1, PeerIss + 1, 300), (data.Flags, data.Seq, data.Ack, data.Payload.Length));
        bench.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void DispatchInPlace_LeavesThePayloadInTheSendBuffer_UntilTheDriverCopiesItIntoTheFrame()
    {
        using var bench = new TcpBench();
        TcpConnection c = EstablishActive(bench);
        byte[] data = TcpBench.Pattern(2500);
        c.Send(data);

        // The frame has room for 700 payload bytes: the segment is cut there, and its bytes are copied once.
        Assert.True(c.TryDispatchInPlace(bench.Now, 700, out TcpHeader header, out int length));
        Assert.Equal((Iss + 1, 700), (header.SequenceNumber, length));
        Assert.Throws<ArgumentException>(() => c.CopyDispatchedPayload(new byte[699]));
        var frame = new byte[700];
        c.CopyDispatchedPayload(frame);
        Assert.Equal(data[..700], frame);

        // The next one starts where that ended.
        Assert.True(c.TryDispatchInPlace(bench.Now, 700, out header, out length));
        Assert.Equal(Iss + 701, header.SequenceNumber);
        c.CopyDispatchedPayload(frame.AsSpan(0, length));
        Assert.Equal(data[700..(700 + length)], frame[..length]);
        bench.CloseAndAssertNoLeaks();
    }
}
