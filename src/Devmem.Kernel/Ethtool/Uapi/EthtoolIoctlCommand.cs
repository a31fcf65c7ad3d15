namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// The legacy ethtool interface: <c>ioctl(fd, SIOCETHTOOL, &amp;ifreq)</c> on any socket, with
/// <c>ifr_data</c> pointing at a command structure whose first u32 is one of these commands
/// (include/uapi/linux/ethtool.h, include/uapi/linux/sockios.h). Flow steering and the RSS indirection table
/// are still driven this way by ethtool and ncdevmem.
/// </summary>
internal static class EthtoolIoctlCommand
{
    /// <summary><c>SIOCETHTOOL</c>.</summary>
    public const uint SiocEthtool = 0x8946;

    /// <summary><c>ETHTOOL_GRXRINGS</c>: the number of RX rings (ethtool_rxnfc.data).</summary>
    public const uint GetRxRings = 0x2d;

    /// <summary><c>ETHTOOL_GRXCLSRLCNT</c>: rule count (rule_cnt) and table size (data).</summary>
    public const uint GetRuleCount = 0x2e;

    /// <summary><c>ETHTOOL_GRXCLSRULE</c>: one rule by fs.location.</summary>
    public const uint GetRule = 0x2f;

    /// <summary><c>ETHTOOL_GRXCLSRLALL</c>: the locations of every rule (rule_locs).</summary>
    public const uint GetAllRules = 0x30;

    /// <summary><c>ETHTOOL_SRXCLSRLDEL</c>: delete the rule at fs.location.</summary>
    public const uint DeleteRule = 0x31;

    /// <summary><c>ETHTOOL_SRXCLSRLINS</c>: insert fs; the kernel writes the chosen location back.</summary>
    public const uint InsertRule = 0x32;

    /// <summary><c>ETHTOOL_GRXFHINDIR</c>: the RSS indirection table (size 0 asks for its size).</summary>
    public const uint GetRssIndirection = 0x38;

    /// <summary><c>ETHTOOL_SRXFHINDIR</c>: set the table (size 0 restores the driver's default).</summary>
    public const uint SetRssIndirection = 0x39;

    /// <summary><c>RX_CLS_LOC_SPECIAL</c>: flag in GRXCLSRLCNT's data when the driver picks locations itself.</summary>
    public const uint LocationSpecial = 0x80000000;

    /// <summary><c>RX_CLS_LOC_ANY</c>: let the driver choose where to insert.</summary>
    public const uint LocationAny = 0x80000000;

    /// <summary><c>RX_CLS_FLOW_DISC</c>: ring_cookie that drops the flow.</summary>
    public const ulong RingCookieDiscard = ulong.MaxValue;

    /// <summary>The command's name in include/uapi/linux/ethtool.h, for messages.</summary>
    public static string Name(uint command) => command switch
    {
        GetRxRings => "ETHTOOL_GRXRINGS",
        GetRuleCount => "ETHTOOL_GRXCLSRLCNT",
        GetRule => "ETHTOOL_GRXCLSRULE",
        GetAllRules => "ETHTOOL_GRXCLSRLALL",
        DeleteRule => "ETHTOOL_SRXCLSRLDEL",
        InsertRule => "ETHTOOL_SRXCLSRLINS",
        GetRssIndirection => "ETHTOOL_GRXFHINDIR",
        SetRssIndirection => "ETHTOOL_SRXFHINDIR",
        _ => $"ethtool command 0x{command:x}",
    };
}
