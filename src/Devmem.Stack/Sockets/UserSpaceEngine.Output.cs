using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Sockets;

public sealed partial class UserSpaceEngine
{
    // The payload of a GSO segment: Linux's sk_gso_max_size for a device with the usual 64 KiB gso_max_size
    // (65536 less MAX_TCP_HEADER + 1).
    private const int GsoMaxPayload = 65_536 - 321;

    private readonly FrameBatch _tx;
    private readonly int _gsoMaxPayload;
    private readonly List<EngineConnection> _due = [];
    private readonly List<EngineConnection> _readerWakeups = [];

    // Connections TCP is done with whose sockets the application still holds (their receive queues live on).
    private readonly HashSet<EngineConnection> _finished = [];

    /// <summary>
    /// Loop thread: the connection changed (a segment, a command, freed receive space). Settles the
    /// application's requests, hands established connections to their listener, and files the connection
    /// under its next deadline, or forgets it once TCP is done with it.
    /// </summary>
    internal void Touch(EngineConnection connection)
    {
        connection.Update();
        TcpConnection tcp = connection.Tcp;
        if (!_connections.ContainsKey(tcp))
        {
            // Already forgotten (a late command for a finished connection): nothing to schedule.
            return;
        }

        if (connection.Listener is { } listener && tcp.IsEstablishedOrLater)
        {
            DeliverAccepted(listener);
        }

        long deadline = tcp.PollAt(_now);
        if (tcp.State == TcpState.Closed && deadline == TcpConnection.Never)
        {
            Forget(connection);
            return;
        }

        _scheduler.Schedule(connection, deadline);
    }

    // A segment reached a connection: a listener may just have created it. Its reader is woken once the
    // receive pass is over (FlushReaderWakeups).
    private void OnSegment(TcpConnection tcp)
    {
        if (!_connections.TryGetValue(tcp, out EngineConnection? connection))
        {
            _listeners.TryGetValue(tcp.LocalPort, out EngineTcpListener? listener);
            connection = new EngineConnection(this, tcp, listener);
            _connections.Add(tcp, connection);
        }

        if (!connection.ReaderWakeupPending)
        {
            connection.ReaderWakeupPending = true;
            _readerWakeups.Add(connection);
        }

        Touch(connection);
    }

    // The demultiplexer's listener queues established connections; each becomes a socket for AcceptAsync.
    private void DeliverAccepted(EngineTcpListener listener)
    {
        while (listener.Tcp.TryAccept(out TcpConnection? tcp))
        {
            if (_connections.TryGetValue(tcp, out EngineConnection? connection))
            {
                connection.Listener = null;
                listener.Deliver(connection.CreateSocket());
            }
        }
    }

    /// <summary>Loop thread: the application disposed the socket; the connection closes in its own time.</summary>
    internal void CloseSocket(EngineConnection connection, bool abort = false)
    {
        connection.CloseFromApplication(abort);
        _finished.Remove(connection);
        Touch(connection);
    }

    // TCP is done with the connection. What it received stays readable until the application disposes
    // the socket (or the engine stops); with no socket left, nobody will read it, so it is freed now.
    private void Forget(EngineConnection connection)
    {
        _demux.Remove(connection.Tcp);
        _connections.Remove(connection.Tcp);
        connection.ScheduledAt = TcpConnection.Never;
        if (connection.IsOrphaned)
        {
            connection.Tcp.Receiver.Dispose();
        }
        else
        {
            _finished.Add(connection);
        }
    }

    private void ServiceDue()
    {
        _scheduler.TakeDue(_now, _due);
        foreach (EngineConnection connection in _due)
        {
            Dispatch(connection);
            if (_connections.ContainsKey(connection.Tcp))
            {
                Touch(connection);
            }
        }

        _due.Clear();
    }

    // Every segment the connection has ready goes into the transmit batch, flushed to the link when full.
    private void Dispatch(EngineConnection connection)
    {
        TcpConnection tcp = connection.Tcp;
        IpSendRequest request = connection.Request;
        while (tcp.TryDispatchInPlace(_now, _ip.Mtu, _gsoMaxPayload, out TcpHeader header, out int length, out int gsoSize))
        {
            if (length <= gsoSize)
            {
                EnsureTransmitRoom(1);
                _ip.Send(request, new TcpSegmentWriter(header, tcp, 0, length), _tx, _now);
            }
            else if (!TrySendWhole(request, tcp, header, length, gsoSize))
            {
                SendSegmented(request, tcp, header, length, gsoSize);
            }
        }

        _demux.OnDispatched(tcp, _now);
    }

    // A link that carries GSO frames (IGsoLink) takes the segment as one frame; declined when it has no large
    // buffer free (or the neighbour needs resolving), and then the segment goes out in pieces.
    private bool TrySendWhole(in IpSendRequest request, TcpConnection tcp, in TcpHeader header, int length, int gsoSize)
    {
        if (_tx.MaxGsoFrameLength == 0)
        {
            return false;
        }

        EnsureTransmitRoom(1);
        return _ip.SendGso(request, new TcpSegmentWriter(header, tcp, 0, length), gsoSize, header.HeaderLength, _tx, _now) != IpSendResult.Declined;
    }

    // Software GSO: each piece of gsoSize payload bytes is a segment of its own (TcpHeader.GsoPiece), its checksum
    // its own (each piece's bytes are copied from the send buffer and summed as its frame is written).
    private void SendSegmented(in IpSendRequest request, TcpConnection tcp, in TcpHeader header, int length, int gsoSize)
    {
        for (int offset = 0; offset < length; offset += gsoSize)
        {
            int piece = Math.Min(gsoSize, length - offset);
            EnsureTransmitRoom(1);
            _ip.Send(request, new TcpSegmentWriter(header.GsoPiece(offset, piece, length), tcp, offset, piece), _tx, _now);
        }
    }

    // The demultiplexer's answer to a segment nobody wanted, back to where it came from.
    // An RST, or a listener's SYN-ACK carrying a SYN cookie: a segment no connection stands behind.
    private void SendStatelessReply(in IpPacketInfo received, in TcpHeader reply)
    {
        EnsureTransmitRoom(1);
        var request = new IpSendRequest { Destination = received.Source, Source = received.Destination, Protocol = IpProtocol.Tcp };
        _ip.Send(request, new TcpSegmentWriter(reply), _tx, _now);
    }

    private void EnsureTransmitRoom(int frames)
    {
        if (_tx.Capacity - _tx.Count < frames)
        {
            Flush();
        }
    }

    private void Flush()
    {
        if (_tx.Count > 0)
        {
            _link.Transmit(_tx);
            _tx.Clear();
        }
    }
}
