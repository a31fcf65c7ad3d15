using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>Handshakes most tests start from: our ISS 1000, the peer's 5000.</summary>
internal static class TcpScenario
{
    public const uint Iss = 1000;
    public const uint PeerIss = 5000;

    /// <summary>Active open against a crafted peer; returns the connection ESTABLISHED with nothing pending.</summary>
    public static TcpConnection EstablishActive(TcpBench bench, TcpConnectionOptions? options = null, ushort peerWindow = 20000, TcpOptions peerOptions = default)
    {
        TcpConnection connection = bench.NewConnection(options);
        connection.Connect(Iss);
        SentSegment syn = bench.Single(connection);
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        if (peerOptions.IsEmpty)
        {
            peerOptions = new TcpOptions { Mss = 1000, SackPermitted = true };
        }

        bench.Deliver(connection, TcpBench.Segment(PeerIss, Iss + 1, TcpFlags.Syn | TcpFlags.Ack, peerWindow, peerOptions));
        Assert.Equal(TcpState.Established, connection.State);
        SentSegment ack = bench.Single(connection);
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        return connection;
    }

    /// <summary>Passive open from a crafted SYN; returns the connection ESTABLISHED with nothing pending.</summary>
    public static TcpConnection EstablishPassive(TcpBench bench, TcpConnectionOptions? options = null, ushort peerWindow = 20000, TcpOptions peerOptions = default)
    {
        TcpConnection connection = bench.NewConnection(options);
        if (peerOptions.IsEmpty)
        {
            peerOptions = new TcpOptions { Mss = 1000, SackPermitted = true };
        }

        Assert.True(connection.AcceptSyn(TcpBench.Segment(PeerIss, 0, TcpFlags.Syn, peerWindow, peerOptions), null, Iss, bench.Now));
        SentSegment synAck = bench.Single(connection);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        bench.Deliver(connection, TcpBench.Segment(PeerIss + 1, Iss + 1, TcpFlags.Ack, peerWindow));
        Assert.Equal(TcpState.Established, connection.State);
        Assert.Empty(bench.Drain(connection));
        return connection;
    }

    /// <summary>A data segment from the peer at offset <paramref name="offset"/> of its stream.</summary>
    public static TcpHeader PeerData(int offset, uint ack = Iss + 1, ushort window = 20000, TcpFlags extra = TcpFlags.None, TcpOptions options = default) =>
        TcpBench.Segment(PeerIss + 1 + (uint)offset, ack, TcpFlags.Ack | extra, window, options);

    /// <summary>A pure ACK from the peer acknowledging <paramref name="acked"/> bytes of our stream.</summary>
    public static TcpHeader PeerAck(int acked, ushort window = 20000, int peerOffset = 0, TcpOptions options = default) =>
        TcpBench.Segment(PeerIss + 1 + (uint)peerOffset, Iss + 1 + (uint)acked, TcpFlags.Ack, window, options);
}
