namespace Devmem.Kernel.Netlink;

/// <summary>The control message types every netlink protocol shares (include/uapi/linux/netlink.h).</summary>
public static class NetlinkMessageType
{
    /// <summary><c>NLMSG_NOOP</c>: ignore.</summary>
    public const ushort Noop = 1;

    /// <summary><c>NLMSG_ERROR</c>: <c>struct nlmsgerr</c>; error 0 is an ACK.</summary>
    public const ushort Error = 2;

    /// <summary><c>NLMSG_DONE</c>: ends a dump; its payload is an <c>int</c> error, then extack attributes.</summary>
    public const ushort Done = 3;

    /// <summary><c>NLMSG_OVERRUN</c>: data lost.</summary>
    public const ushort Overrun = 4;

    /// <summary><c>NLMSG_MIN_TYPE</c>: types below are reserved for control messages.</summary>
    public const ushort MinType = 0x10;
}
