namespace Devmem.Kernel.Netlink;

/// <summary>Netlink protocol numbers (the third argument of <c>socket(AF_NETLINK, ...)</c>) and socket options.</summary>
public static class NetlinkProtocol
{
    /// <summary><c>NETLINK_GENERIC</c>: generic netlink, home of the netdev and ethtool families.</summary>
    public const int Generic = 16;

    /// <summary><c>SOL_NETLINK</c>: the level of the options below.</summary>
    internal const int SolNetlink = 270;

    /// <summary><c>NETLINK_CAP_ACK</c>: errors echo only the request's header, not its whole payload.</summary>
    internal const int CapAck = 10;

    /// <summary><c>NETLINK_EXT_ACK</c>: errors carry the kernel's message and the offending attribute's offset.</summary>
    internal const int ExtAck = 11;
}
