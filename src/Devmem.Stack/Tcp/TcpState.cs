namespace Devmem.Stack.Tcp;

/// <summary>The connection states of RFC 9293 §3.3.2.</summary>
public enum TcpState
{
    /// <summary>No connection: never opened, or fully closed.</summary>
    Closed,

    /// <summary>
    /// Waiting for a SYN from any remote endpoint (passive OPEN). A <see cref="TcpListener"/> is in this state;
    /// connections never are: each SYN it takes creates one in SYN-RECEIVED.
    /// </summary>
    Listen,

    /// <summary>Our SYN is sent; waiting for the peer's SYN (active OPEN).</summary>
    SynSent,

    /// <summary>Both SYNs seen; waiting for the peer to acknowledge ours.</summary>
    SynReceived,

    /// <summary>Open: data flows both ways.</summary>
    Established,

    /// <summary>We closed; our FIN is not yet acknowledged.</summary>
    FinWait1,

    /// <summary>Our FIN is acknowledged; waiting for the peer's FIN.</summary>
    FinWait2,

    /// <summary>The peer closed; waiting for our application to close.</summary>
    CloseWait,

    /// <summary>Both closed at once; waiting for the peer to acknowledge our FIN.</summary>
    Closing,

    /// <summary>The peer closed first and so did we; waiting for the acknowledgment of our FIN.</summary>
    LastAck,

    /// <summary>Both FINs acknowledged; waiting out 2 MSL so that old duplicates die (RFC 9293 §3.6.1).</summary>
    TimeWait,
}
