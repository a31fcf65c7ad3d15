using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>The reset segments RFC 9293 prescribes in reply to a segment, and for an ABORT.</summary>
public static class TcpReset
{
    /// <summary>
    /// RFC 9293 §3.10.7.1: the reply to a segment for a connection that does not exist. None to an RST;
    /// <c>&lt;SEQ=SEG.ACK&gt;&lt;CTL=RST&gt;</c> when the segment has ACK set, so the RST is acceptable to
    /// its sender; otherwise <c>&lt;SEQ=0&gt;&lt;ACK=SEG.SEQ+SEG.LEN&gt;&lt;CTL=RST,ACK&gt;</c>.
    /// </summary>
    /// <param name="segment">The arriving header.</param>
    /// <param name="dataLength">Its payload length.</param>
    /// <param name="reset">The reply, ports swapped.</param>
    public static bool TryReplyToClosed(in TcpHeader segment, int dataLength, out TcpHeader reset)
    {
        TcpFlags flags = segment.Flags;
        if ((flags & TcpFlags.Rst) != 0)
        {
            reset = default;
            return false;
        }

        if ((flags & TcpFlags.Ack) != 0)
        {
            reset = Create(segment.DestinationPort, segment.SourcePort, new SeqNumber(segment.AcknowledgmentNumber), null);
            return true;
        }

        int length = dataLength + ((flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((flags & TcpFlags.Fin) != 0 ? 1 : 0);
        reset = Create(segment.DestinationPort, segment.SourcePort, default, new SeqNumber(segment.SequenceNumber) + length);
        return true;
    }

    /// <summary>An RST from <paramref name="sourcePort"/> to <paramref name="destinationPort"/>; with ACK when <paramref name="ack"/> is given.</summary>
    public static TcpHeader Create(ushort sourcePort, ushort destinationPort, SeqNumber seq, SeqNumber? ack) => new()
    {
        SourcePort = sourcePort,
        DestinationPort = destinationPort,
        SequenceNumber = seq.Value,
        AcknowledgmentNumber = ack?.Value ?? 0,
        Flags = ack is null ? TcpFlags.Rst : TcpFlags.Rst | TcpFlags.Ack,
    };
}
