namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// The request header every ethtool message nests first (<c>ETHTOOL_A_HEADER_*</c>,
/// include/uapi/linux/ethtool_netlink_generated.h): which device, by index or name.
/// </summary>
internal static class EthtoolHeaderAttribute
{
    /// <summary><c>ETHTOOL_A_HEADER_DEV_INDEX</c> (u32).</summary>
    public const ushort DevIndex = 1;

    /// <summary><c>ETHTOOL_A_HEADER_DEV_NAME</c> (NUL-terminated string).</summary>
    public const ushort DevName = 2;

    /// <summary><c>ETHTOOL_A_HEADER_FLAGS</c> (u32, <c>ETHTOOL_FLAG_*</c>).</summary>
    public const ushort Flags = 3;
}
