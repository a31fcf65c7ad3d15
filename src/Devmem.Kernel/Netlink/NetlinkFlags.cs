namespace Devmem.Kernel.Netlink;

/// <summary>
/// <c>nlmsg_flags</c> bits (include/uapi/linux/netlink.h). Some bits mean different things in requests
/// and in acknowledgements, hence constants rather than an enum.
/// </summary>
public static class NetlinkFlags
{
    /// <summary><c>NLM_F_REQUEST</c>: set on every request.</summary>
    public const ushort Request = 0x01;

    /// <summary><c>NLM_F_MULTI</c>: one of several messages of a reply (a dump), ended by NLMSG_DONE.</summary>
    public const ushort Multi = 0x02;

    /// <summary><c>NLM_F_ACK</c>: answer with an NLMSG_ERROR carrying 0 on success.</summary>
    public const ushort Ack = 0x04;

    /// <summary><c>NLM_F_DUMP_INTR</c>: the dumped table changed while it was dumped; the result is inconsistent.</summary>
    public const ushort DumpInterrupted = 0x10;

    /// <summary><c>NLM_F_DUMP</c> (= <c>NLM_F_ROOT | NLM_F_MATCH</c>): return every object, as a multipart reply.</summary>
    public const ushort Dump = 0x300;

    /// <summary><c>NLM_F_CAPPED</c> on an NLMSG_ERROR: only the request's header is echoed, not its payload.</summary>
    public const ushort Capped = 0x100;

    /// <summary><c>NLM_F_ACK_TLVS</c> on an NLMSG_ERROR or NLMSG_DONE: extended-ack attributes follow.</summary>
    public const ushort AckTlvs = 0x200;
}
