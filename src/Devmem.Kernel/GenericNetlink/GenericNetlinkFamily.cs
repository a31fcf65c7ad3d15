namespace Devmem.Kernel.GenericNetlink;

/// <summary>
/// A generic netlink family as the controller describes it (<c>CTRL_CMD_GETFAMILY</c>). The id is assigned
/// when the family registers and differs between boots and kernels: resolve it by name, never hard-code it.
/// </summary>
/// <param name="Name"><c>CTRL_ATTR_FAMILY_NAME</c>.</param>
/// <param name="Id"><c>CTRL_ATTR_FAMILY_ID</c>: the nlmsg_type of the family's messages.</param>
/// <param name="Version"><c>CTRL_ATTR_VERSION</c>.</param>
/// <param name="HeaderSize"><c>CTRL_ATTR_HDRSIZE</c>: bytes of family header after the genlmsghdr.</param>
/// <param name="MaxAttribute"><c>CTRL_ATTR_MAXATTR</c>.</param>
/// <param name="Operations"><c>CTRL_ATTR_OPS</c>: the commands and whether each answers do and dump requests.</param>
/// <param name="MulticastGroups"><c>CTRL_ATTR_MCAST_GROUPS</c>.</param>
public sealed record GenericNetlinkFamily(
    string Name,
    ushort Id,
    uint Version,
    uint HeaderSize,
    uint MaxAttribute,
    IReadOnlyList<GenericNetlinkOperation> Operations,
    IReadOnlyList<GenericNetlinkMulticastGroup> MulticastGroups)
{
    /// <summary>Whether the kernel registered <paramref name="command"/> with the given capability (do or dump).</summary>
    public bool Supports(uint command, GenericNetlinkOperationFlags capability) =>
        Operations.Any(op => op.Command == command && (op.Flags & capability) == capability);
}
