using System.Runtime.InteropServices;

namespace Devmem.Kernel.GenericNetlink;

/// <summary>
/// <c>struct genlmsghdr</c> (include/uapi/linux/genetlink.h): follows the nlmsghdr of every generic
/// netlink message; the family's own header (<c>hdrsize</c>, 0 for netdev) and the attributes come after.
/// </summary>
/// <param name="Command">The family's command (e.g. <c>NETDEV_CMD_BIND_RX</c>).</param>
/// <param name="Version">The family's interface version.</param>
/// <param name="Reserved">Zero.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct GenericNetlinkHeader(byte Command, byte Version, ushort Reserved = 0)
{
    /// <summary><c>GENL_HDRLEN</c>.</summary>
    public const int Size = 4;
}
