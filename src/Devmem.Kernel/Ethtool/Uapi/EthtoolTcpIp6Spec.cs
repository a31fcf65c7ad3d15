using System.Runtime.InteropServices;

namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// <c>struct ethtool_tcpip6_spec</c> (include/uapi/linux/ethtool.h): 16-byte addresses and ports in network
/// byte order, then the traffic class; 37 bytes padded to 40.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal unsafe struct EthtoolTcpIp6Spec
{
    [FieldOffset(0)]
    public fixed byte SourceAddress[16];

    [FieldOffset(16)]
    public fixed byte DestinationAddress[16];

    [FieldOffset(32)]
    public ushort SourcePort;

    [FieldOffset(34)]
    public ushort DestinationPort;

    [FieldOffset(36)]
    public byte TrafficClass;
}
