namespace Devmem.Kernel.Netlink;

/// <summary>
/// <c>enum nlmsgerr_attrs</c> (include/uapi/linux/netlink.h): the extended-ack attributes that follow an
/// NLMSG_ERROR or NLMSG_DONE flagged <c>NLM_F_ACK_TLVS</c>.
/// </summary>
public static class NetlinkErrorAttribute
{
    /// <summary><c>NLMSGERR_ATTR_MSG</c>: the kernel's error (or warning) text, a NUL-terminated string.</summary>
    public const ushort Message = 1;

    /// <summary><c>NLMSGERR_ATTR_OFFS</c>: u32 byte offset, from the request's nlmsghdr, of the offending attribute.</summary>
    public const ushort Offset = 2;

    /// <summary><c>NLMSGERR_ATTR_COOKIE</c>: opaque bytes some families return.</summary>
    public const ushort Cookie = 3;

    /// <summary><c>NLMSGERR_ATTR_POLICY</c>: the policy the offending attribute failed.</summary>
    public const ushort Policy = 4;

    /// <summary><c>NLMSGERR_ATTR_MISS_TYPE</c>: u32 type of a required attribute that is missing.</summary>
    public const ushort MissingType = 5;

    /// <summary><c>NLMSGERR_ATTR_MISS_NEST</c>: u32 offset of the nest the missing attribute belongs in.</summary>
    public const ushort MissingNest = 6;
}
