namespace Devmem.Stack.Tcp;

/// <summary>
/// Why an arriving segment (or part of it) was not taken in: each reason has its own counter in
/// <see cref="TcpCounters"/>, so a misbehaving peer or a network fault shows up by name.
/// </summary>
public enum TcpDropReason
{
    /// <summary>Not a reason: the segment was accepted.</summary>
    None,

    /// <summary>The header's options did not parse: an impossible length (RFC 9293 §3.2, MUST-7).</summary>
    BadOptions,

    /// <summary>The header itself did not parse: truncated, or a data offset outside the segment.</summary>
    MalformedHeader,

    /// <summary>Sequence numbers entirely outside the receive window (RFC 9293 §3.10.7.4, first check).</summary>
    OutOfWindow,

    /// <summary>Data entirely at or below RCV.NXT: an old duplicate (its ACK is answered).</summary>
    OldDuplicate,

    /// <summary>PAWS: a timestamp older than TS.Recent (RFC 7323 §5.3).</summary>
    PawsRejected,

    /// <summary>No timestamp on a non-RST segment although timestamps were negotiated (RFC 7323 §3.2).</summary>
    MissingTimestamp,

    /// <summary>An RST whose sequence number is in the window but not exactly RCV.NXT (RFC 5961 §3.2).</summary>
    RstInWindow,

    /// <summary>An RST outside the window, or one that cannot apply in the current state.</summary>
    RstIgnored,

    /// <summary>A SYN on a synchronized connection (RFC 5961 §4): answered with a challenge ACK.</summary>
    SynInWindow,

    /// <summary>An ACK for data never sent, or far behind (RFC 5961 §5).</summary>
    UnacceptableAck,

    /// <summary>A segment without ACK in a state that needs one.</summary>
    NoAck,

    /// <summary>A segment of a kind the state does not take (e.g. neither SYN nor RST in SYN-SENT).</summary>
    UnexpectedSegment,

    /// <summary>Data or FIN after the peer's FIN, or data the state cannot deliver.</summary>
    DataAfterFin,

    /// <summary>Data carried by a SYN: not queued, the peer sends it again.</summary>
    SynPayload,

    /// <summary>Out-of-order data the out-of-order queue had no room for (its cap).</summary>
    OutOfOrderQueueFull,

    /// <summary>Out-of-order data wholly covered by data already queued out of order.</summary>
    OutOfOrderDuplicate,

    /// <summary>A challenge ACK suppressed by the rate limit (RFC 5961 §7).</summary>
    ChallengeAckRateLimited,

    /// <summary>A segment arriving for no connection and no listener: answered with RST (RFC 9293 §3.10.7.1).</summary>
    NoConnection,

    /// <summary>A SYN refused because the listener's SYN queue was full.</summary>
    SynQueueFull,

    /// <summary>A handshake's final ACK ignored because the listener's accept queue was full.</summary>
    AcceptQueueFull,

    /// <summary>The TCP checksum did not verify (checked by the engine when the NIC's parser left it unchecked).</summary>
    BadChecksum,
}
