using System.Runtime.InteropServices;

namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// <c>struct ethtool_tcpip4_spec</c> (include/uapi/linux/ethtool.h): addresses and ports in network byte
/// order, then the type of service; 13 bytes padded to 16.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct EthtoolTcpIp4Spec
{
    [FieldOffset(0)]
    public uint SourceAddress;

    [FieldOffset(4)]
    public uint DestinationAddress;

    [FieldOffset(8)]
    public ushort SourcePort;

    [FieldOffset(10)]
    public ushort DestinationPort;

    [FieldOffset(12)]
    public byte TypeOfService;
}
