using System.Runtime.InteropServices;

namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// <c>union ethtool_flow_union</c> (include/uapi/linux/ethtool.h): the flow fields for the flow type, in a
/// union whose largest member is <c>__u8 hdata[52]</c>; only the TCP members are used here.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct EthtoolFlowUnion
{
    /// <summary><c>sizeof(union ethtool_flow_union)</c>.</summary>
    public const int Size = 52;

    [FieldOffset(0)]
    public EthtoolTcpIp4Spec TcpIp4;

    [FieldOffset(0)]
    public EthtoolTcpIp6Spec TcpIp6;
}
