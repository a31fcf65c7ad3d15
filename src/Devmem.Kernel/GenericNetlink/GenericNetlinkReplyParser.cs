using Devmem.Kernel.Netlink;

namespace Devmem.Kernel.GenericNetlink;

/// <summary>Turns the attributes of one reply message into a typed result.</summary>
public delegate T GenericNetlinkReplyParser<out T>(NetlinkAttributeReader attributes);
