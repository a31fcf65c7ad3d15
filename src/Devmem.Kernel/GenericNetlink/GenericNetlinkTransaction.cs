using Devmem.Kernel.Netlink;
using Devmem.Uapi;

namespace Devmem.Kernel.GenericNetlink;

/// <summary>
/// The request/reply exchanges of generic netlink over a <see cref="NetlinkSocket"/> whose request is built:
/// a do (one reply, then the ACK), an action (just the ACK) and a dump (replies up to NLMSG_DONE). Each
/// reads the kernel's answer to its end, so the socket is ready for the next request, and turns a failure
/// into a <see cref="DevmemException"/> with the kernel's extended ACK.
/// </summary>
internal static class GenericNetlinkTransaction
{
    /// <summary>Sends a do request and parses its single reply.</summary>
    internal static T Do<T>(NetlinkSocket socket, uint familyHeaderSize, GenericNetlinkReplyParser<T> parse, in NetlinkErrorContext errors)
    {
        socket.Send();
        T result = default!;
        int replies = 0;
        NetlinkExtendedAck? status;
        while (socket.TryReceiveReply(out NetlinkMessage reply, out status))
        {
            if (replies++ == 0)
            {
                result = parse(Attributes(reply, familyHeaderSize, errors.Operation));
            }
        }

        ThrowIfFailed(socket, familyHeaderSize, status, errors);
        return replies > 0
            ? result
            : throw new DevmemException(Errno.EPROTO, $"{errors.Operation}: the kernel acknowledged the request without the reply this operation returns.");
    }

    /// <summary>Sends a request that answers with an ACK only (data replies, if any, are read and ignored).</summary>
    internal static void Execute(NetlinkSocket socket, uint familyHeaderSize, in NetlinkErrorContext errors)
    {
        socket.Send();
        NetlinkExtendedAck? status;
        while (socket.TryReceiveReply(out _, out status))
        {
        }

        ThrowIfFailed(socket, familyHeaderSize, status, errors);
    }

    /// <summary>Sends a dump request and parses every reply up to NLMSG_DONE.</summary>
    internal static List<T> Dump<T>(NetlinkSocket socket, uint familyHeaderSize, GenericNetlinkReplyParser<T> parse, in NetlinkErrorContext errors)
    {
        socket.Send();
        var results = new List<T>();
        bool interrupted = false;
        NetlinkExtendedAck? status;
        while (socket.TryReceiveReply(out NetlinkMessage reply, out status))
        {
            interrupted |= (reply.Header.Flags & NetlinkFlags.DumpInterrupted) != 0;
            results.Add(parse(Attributes(reply, familyHeaderSize, errors.Operation)));
        }

        ThrowIfFailed(socket, familyHeaderSize, status, errors);
        if (interrupted)
        {
            throw new DevmemException(Errno.EINTR, $"{errors.Operation}: the kernel's table changed during the dump (NLM_F_DUMP_INTR), so the result is inconsistent; run the dump again.");
        }

        return results;
    }

    private static NetlinkAttributeReader Attributes(NetlinkMessage reply, uint familyHeaderSize, string operation)
    {
        int start = GenericNetlinkHeader.Size + NetlinkMessageHeader.Align((int)familyHeaderSize);
        return reply.Payload.Length >= start
            ? new NetlinkAttributeReader(reply.Payload[start..])
            : throw new DevmemException(Errno.EPROTO, $"{operation}: a {reply.Payload.Length}-byte reply is shorter than its generic netlink header.");
    }

    private static void ThrowIfFailed(NetlinkSocket socket, uint familyHeaderSize, NetlinkExtendedAck? status, in NetlinkErrorContext errors)
    {
        if (status is { Error: not Errno.None })
        {
            throw errors.ToException(status, socket.Request.Written, GenericNetlinkHeader.Size + (int)familyHeaderSize);
        }
    }
}
