namespace Devmem.Kernel.Ethtool;

/// <summary>The flow types a devmem steering rule uses (<c>TCP_V4_FLOW</c>, <c>TCP_V6_FLOW</c>, include/uapi/linux/ethtool.h).</summary>
public enum EthtoolFlowType : uint
{
    TcpV4 = 0x01,
    TcpV6 = 0x05,
}
