using System.Diagnostics.CodeAnalysis;
using Devmem.Receive;
using Devmem.Skb;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Tcp;

/// <summary>
/// Finds the connection an arriving segment belongs to: a hash table keyed by the 4-tuple, then the
/// listeners keyed by (address, port) with a wildcard fallback; O(1) either way, no scan. A segment that
/// finds neither is answered with an RST (RFC 9293 §3.10.7.1). Active opens get their ephemeral port
/// (RFC 6056) and ISN (RFC 6528) here. Sans-IO like the connections: the driver hands in segments and
/// dispatches from the connection each call returns.
/// </summary>
public sealed class TcpDemultiplexer
{
    private readonly Dictionary<TcpFourTuple, TcpConnection> _connections = [];
    private readonly Dictionary<(Ipv6Address Address, ushort Port), TcpListener> _listeners = [];
    private readonly InitialSequenceNumbers _isn;
    private readonly SynCookies _cookies = new();
    private readonly EphemeralPortAllocator _ports;

    /// <param name="isn">ISN source; a fresh secret when null.</param>
    /// <param name="ports">Ephemeral port source; Linux's range when null.</param>
    public TcpDemultiplexer(InitialSequenceNumbers? isn = null, EphemeralPortAllocator? ports = null)
    {
        _isn = isn ?? new InitialSequenceNumbers();
        _ports = ports ?? new EphemeralPortAllocator();
    }

    /// <summary>Segments that found no connection and no listener.</summary>
    public TcpCounters Counters { get; } = new();

    /// <summary>Connections filed under their 4-tuple.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>
    /// listen(2): a listener on <paramref name="localAddress"/> (unspecified: any) and
    /// <paramref name="localPort"/>. Throws <see cref="DevmemException"/> EADDRINUSE when one is there.
    /// </summary>
    public TcpListener Listen(Ipv6Address localAddress, ushort localPort, int synBacklog, int acceptBacklog, TcpConnectionOptions? options = null,
        TcpConnectionOptions? ipv4Options = null)
    {
        var listener = new TcpListener(localAddress, localPort, synBacklog, acceptBacklog, options, ipv4Options);
        if (!_listeners.TryAdd((localAddress, localPort), listener))
        {
            throw new DevmemException(Errno.EADDRINUSE, $"a listener on port {localPort} exists; close it first");
        }

        return listener;
    }

    /// <summary>Stops listening; connections already created stay.</summary>
    public bool StopListening(TcpListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return _listeners.Remove((listener.LocalAddress, listener.LocalPort));
    }

    /// <summary>
    /// connect(2): a connection from <paramref name="localAddress"/> on an ephemeral port, in SYN-SENT
    /// with its SYN ready to dispatch. Throws <see cref="DevmemException"/> EADDRNOTAVAIL when no port is free.
    /// </summary>
    public TcpConnection Connect(Ipv6Address localAddress, Ipv6Address remoteAddress, ushort remotePort, long now, TcpConnectionOptions? options = null)
    {
        if (!_ports.TryAllocate(
            localAddress,
            remoteAddress,
            remotePort,
            static (port, state) => state.Self.IsPortFree(new TcpFourTuple(state.Local, port, state.Remote, state.RemotePort)),
            (Self: this, Local: localAddress, Remote: remoteAddress, RemotePort: remotePort),
            out ushort localPort))
        {
            throw new DevmemException(Errno.EADDRNOTAVAIL, "no ephemeral port is free for this destination; widen the range or close connections");
        }

        var tuple = new TcpFourTuple(localAddress, localPort, remoteAddress, remotePort);
        var connection = new TcpConnection(tuple, new DevmemReceiver(), options);
        connection.Connect(_isn.Next(tuple, now), _isn.TimestampOffset(tuple));
        _connections.Add(tuple, connection);
        return connection;
    }

    /// <summary>The connection filed under <paramref name="tuple"/>.</summary>
    public bool TryGetConnection(in TcpFourTuple tuple, [NotNullWhen(true)] out TcpConnection? connection) =>
        _connections.TryGetValue(tuple, out connection);

    /// <summary>
    /// A segment arrived as bytes: <paramref name="header"/> is the TCP header with its options (checksum
    /// already verified by the layer below), <paramref name="payload"/> the data the NIC split off. A header
    /// that does not parse is dropped and counted (<see cref="TcpDropReason.BadOptions"/> for an impossible
    /// option length, which RFC 9293 §3.2 asks implementations to survive; like Linux, the segment is
    /// dropped rather than the connection reset, so a forged option cannot kill a connection). Otherwise
    /// as <see cref="Process"/>.
    /// </summary>
    public TcpConnection? ProcessSegment(in TcpFourTuple tuple, ReadOnlySpan<byte> header, SkBuff? payload, long now, out TcpHeader? reset)
    {
        if (!TcpHeader.TryParse(header, out TcpHeader parsed, out WireParseError error))
        {
            Counters.SegmentsReceived++;
            Counters.Drop(error == WireParseError.BadOptionLength ? TcpDropReason.BadOptions : TcpDropReason.MalformedHeader);
            payload?.Free();
            reset = null;
            return null;
        }

        return Process(tuple, parsed, payload, now, out reset);
    }

    /// <summary>
    /// A segment arrived for <paramref name="tuple"/> (seen from our side: its destination is our local
    /// address and port). Returns the connection that took it, for the driver to dispatch from (a new one
    /// when a listener took a SYN or a valid SYN cookie), or null; <paramref name="reset"/> then holds the
    /// stateless reply to send back, if any: an RST, or a listener's SYN-ACK carrying a SYN cookie. The
    /// payload is always taken over. A connection found closed with nothing left to send is
    /// removed from the table.
    /// </summary>
    public TcpConnection? Process(in TcpFourTuple tuple, in TcpHeader segment, SkBuff? payload, long now, out TcpHeader? reset)
    {
        reset = null;
        if (_connections.TryGetValue(tuple, out TcpConnection? connection))
        {
            TcpListener? listener = connection.Listener;
            if (listener is not null && listener.MustIgnore(connection, segment))
            {
                payload?.Free();
                return null;
            }

            connection.Process(segment, payload, now);
            listener?.OnProgress(connection);
            RemoveIfFinished(connection, now);
            return connection;
        }

        if (_listeners.TryGetValue((tuple.LocalAddress, tuple.LocalPort), out TcpListener? exact)
            || _listeners.TryGetValue((Ipv6Address.Unspecified, tuple.LocalPort), out exact))
        {
            TcpConnection? created = exact.OnSegment(tuple, segment, payload, now, _isn, _cookies, out reset, out bool completesHandshake);
            if (created is not null)
            {
                _connections.Add(tuple, created);
                if (completesHandshake)
                {
                    // A SYN cookie came back: the ACK (and any data on it) completes the restored handshake.
                    created.Process(segment, payload, now);
                    exact.OnProgress(created);
                    RemoveIfFinished(created, now);
                }
            }

            return created;
        }

        Counters.SegmentsReceived++;
        Counters.Drop(TcpDropReason.NoConnection);
        if (TcpReset.TryReplyToClosed(segment, payload?.Length ?? 0, out TcpHeader reply))
        {
            reset = reply;
        }

        payload?.Free();
        return null;
    }

    /// <summary>
    /// After the driver ran a connection's timers (dispatch): a connection that closed (a timeout, the end
    /// of TIME-WAIT) and has nothing left to send leaves the table, and its listener's SYN queue.
    /// </summary>
    public void OnDispatched(TcpConnection connection, long now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Listener?.OnProgress(connection);
        RemoveIfFinished(connection, now);
    }

    /// <summary>Removes a connection from the table (it no longer receives segments).</summary>
    public bool Remove(TcpConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Listener?.Forget(connection);
        return _connections.Remove(connection.Tuple);
    }

    private void RemoveIfFinished(TcpConnection connection, long now)
    {
        if (connection.State == TcpState.Closed && connection.PollAt(now) == TcpConnection.Never)
        {
            Remove(connection);
        }
    }

    // A port is taken by a listener on it or by a connection with the same 4-tuple.
    private bool IsPortFree(in TcpFourTuple candidate) =>
        !_listeners.ContainsKey((candidate.LocalAddress, candidate.LocalPort))
        && !_listeners.ContainsKey((Ipv6Address.Unspecified, candidate.LocalPort))
        && !_connections.ContainsKey(candidate);
}
