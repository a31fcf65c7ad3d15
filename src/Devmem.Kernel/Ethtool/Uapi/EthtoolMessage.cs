namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// The ethtool family's request commands this code sends (include/uapi/linux/ethtool_netlink_generated.h,
/// <c>ETHTOOL_MSG_*</c> user-to-kernel; family version 1). Replies use the kernel-to-user numbering, which this
/// code does not need: a do request has exactly one reply.
/// </summary>
internal static class EthtoolMessage
{
    /// <summary><c>ETHTOOL_MSG_RINGS_GET</c>.</summary>
    public const byte RingsGet = 15;

    /// <summary><c>ETHTOOL_MSG_RINGS_SET</c>.</summary>
    public const byte RingsSet = 16;

    /// <summary><c>ETHTOOL_MSG_CHANNELS_GET</c>.</summary>
    public const byte ChannelsGet = 17;

    /// <summary><c>ETHTOOL_MSG_CHANNELS_SET</c>.</summary>
    public const byte ChannelsSet = 18;

    /// <summary>The command's name in Documentation/netlink/specs/ethtool.yaml, for messages.</summary>
    public static string Name(byte command) => command switch
    {
        RingsGet => "rings-get",
        RingsSet => "rings-set",
        ChannelsGet => "channels-get",
        ChannelsSet => "channels-set",
        _ => $"command {command}",
    };
}
