using System.Runtime.InteropServices;

namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// <c>struct ethtool_flow_ext</c> (include/uapi/linux/ethtool.h): VLAN, destination MAC and user data fields,
/// honoured only with <c>FLOW_EXT</c>/<c>FLOW_MAC_EXT</c> in the flow type. This code leaves it zero; it is
/// here so that the surrounding offsets are the kernel's. 20 bytes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 20)]
internal unsafe struct EthtoolFlowExtension
{
    [FieldOffset(0)]
    public fixed byte Padding[2];

    [FieldOffset(2)]
    public fixed byte DestinationMac[6];

    [FieldOffset(8)]
    public ushort VlanEtherType;

    [FieldOffset(10)]
    public ushort VlanTci;

    [FieldOffset(12)]
    public fixed uint Data[2];
}
