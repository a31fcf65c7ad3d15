using System.Runtime.InteropServices;

namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// <c>struct ethtool_rxnfc</c> (include/uapi/linux/ethtool.h) on LP64: command, flow type, a u64
/// <c>data</c>, the flow spec at 16, then the union <c>{ rule_cnt; rss_context; }</c> at 184 and the flexible
/// array <c>__u32 rule_locs[]</c> at 188. <c>sizeof</c> is 192 because the u64 members make the struct
/// 8-aligned, so <c>rule_locs[0]</c> lies inside the padding: the kernel copies the 192-byte struct out, then
/// the locations from offset 188 (<c>ethtool_rxnfc_copy_to_user</c>), and a GRXCLSRLALL buffer must hold
/// <c>188 + 4 * rule_cnt</c> bytes and never less than 192.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct EthtoolRxnfc
{
    /// <summary><c>sizeof(struct ethtool_rxnfc)</c>.</summary>
    public const int Size = 192;

    /// <summary><c>offsetof(struct ethtool_rxnfc, rule_locs)</c>.</summary>
    public const int RuleLocationsOffset = 188;

    [FieldOffset(0)]
    public uint Command;

    [FieldOffset(4)]
    public uint FlowType;

    [FieldOffset(8)]
    public ulong Data;

    [FieldOffset(16)]
    public EthtoolRxFlowSpec FlowSpec;

    /// <summary><c>rule_cnt</c>; the same bytes are <c>rss_context</c>.</summary>
    [FieldOffset(184)]
    public uint RuleCount;

    /// <summary>The buffer size a GRXCLSRLALL request for <paramref name="rules"/> locations needs.</summary>
    public static int BufferSize(uint rules) => Math.Max(Size, RuleLocationsOffset + (checked((int)rules) * sizeof(uint)));
}
