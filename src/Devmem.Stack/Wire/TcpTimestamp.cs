namespace Devmem.Stack.Wire;

/// <summary>The Timestamps option's values (RFC 7323 §3.2).</summary>
/// <param name="Value">TSval: the sender's timestamp clock.</param>
/// <param name="EchoReply">TSecr: the TSval echoed from the peer (valid when ACK is set).</param>
public readonly record struct TcpTimestamp(uint Value, uint EchoReply);
