namespace Devmem.Kernel.Ethtool;

/// <summary>
/// Header-data split of TCP payloads (<c>enum ethtool_tcp_data_split</c>,
/// include/uapi/linux/ethtool_netlink_generated.h): devmem RX needs it enabled, because only the payload may
/// land in device memory while the headers go to host memory for the stack to read.
/// </summary>
public enum EthtoolTcpDataSplit : byte
{
    /// <summary>The driver does not say (or, in a set request, "let the driver choose").</summary>
    Unknown = 0,

    Disabled = 1,

    Enabled = 2,
}
