namespace Devmem.Kernel.Netlink;

/// <summary>One netlink message read from a datagram: its header and the payload after it.</summary>
public readonly ref struct NetlinkMessage
{
    public NetlinkMessage(NetlinkMessageHeader header, ReadOnlySpan<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    /// <summary>The <c>struct nlmsghdr</c>.</summary>
    public NetlinkMessageHeader Header { get; }

    /// <summary>The <c>nlmsg_len - NLMSG_HDRLEN</c> bytes after the header.</summary>
    public ReadOnlySpan<byte> Payload { get; }
}
