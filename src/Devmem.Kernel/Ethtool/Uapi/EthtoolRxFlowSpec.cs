using System.Runtime.InteropServices;

namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// <c>struct ethtool_rx_flow_spec</c> (include/uapi/linux/ethtool.h) on LP64: the flow type, the fields and
/// their masks (a set mask bit means "match this bit"), the destination (<c>ring_cookie</c>: the RX queue, or
/// <c>RX_CLS_FLOW_DISC</c>) and the rule's location. <c>ring_cookie</c> is a u64, so 4 padding bytes precede
/// it at 148 and the struct is 168 bytes, 8-aligned.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct EthtoolRxFlowSpec
{
    /// <summary><c>sizeof(struct ethtool_rx_flow_spec)</c> on x86-64 and arm64.</summary>
    public const int Size = 168;

    [FieldOffset(0)]
    public uint FlowType;

    [FieldOffset(4)]
    public EthtoolFlowUnion Header;

    [FieldOffset(56)]
    public EthtoolFlowExtension HeaderExtension;

    [FieldOffset(76)]
    public EthtoolFlowUnion Mask;

    [FieldOffset(128)]
    public EthtoolFlowExtension MaskExtension;

    [FieldOffset(152)]
    public ulong RingCookie;

    [FieldOffset(160)]
    public uint Location;
}
