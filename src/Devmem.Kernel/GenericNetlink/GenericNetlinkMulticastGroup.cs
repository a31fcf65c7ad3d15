namespace Devmem.Kernel.GenericNetlink;

/// <summary>A family's notification group (<c>CTRL_ATTR_MCAST_GROUPS</c> entry).</summary>
/// <param name="Name"><c>CTRL_ATTR_MCAST_GRP_NAME</c>, e.g. <c>mgmt</c>.</param>
/// <param name="Id"><c>CTRL_ATTR_MCAST_GRP_ID</c>: the group number to join.</param>
public sealed record GenericNetlinkMulticastGroup(string Name, uint Id);
