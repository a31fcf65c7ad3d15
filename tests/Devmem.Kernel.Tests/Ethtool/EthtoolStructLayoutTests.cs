using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Devmem.Kernel.Ethtool;
using Devmem.Kernel.Ethtool.Uapi;

namespace Devmem.Kernel.Tests.Ethtool;

/// <summary>
/// The SIOCETHTOOL structures against include/uapi/linux/ethtool.h and if.h on x86-64 (sizes and offsets as
/// pahole prints them), and the bytes a flow rule becomes.
/// </summary>
public class EthtoolStructLayoutTests
{
    [Fact]
    public void Sizes_AreTheKernelsOnLp64()
    {
        Assert.Equal(40, Unsafe.SizeOf<InterfaceRequest>());
        Assert.Equal(16, Unsafe.SizeOf<EthtoolTcpIp4Spec>());
        Assert.Equal(40, Unsafe.SizeOf<EthtoolTcpIp6Spec>());
        Assert.Equal(52, Unsafe.SizeOf<EthtoolFlowUnion>());
        Assert.Equal(20, Unsafe.SizeOf<EthtoolFlowExtension>());
        Assert.Equal(168, Unsafe.SizeOf<EthtoolRxFlowSpec>());
        Assert.Equal(192, Unsafe.SizeOf<EthtoolRxnfc>());
        Assert.Equal(8, Unsafe.SizeOf<EthtoolRxfhIndirection>());
        Assert.Equal(40, Marshal.SizeOf<InterfaceRequest>());
        Assert.Equal(192, Marshal.SizeOf<EthtoolRxnfc>());
    }

    [Fact]
    public void Offsets_AreTheKernelsOnLp64()
    {
        Assert.Equal(16, (int)Marshal.OffsetOf<InterfaceRequest>(nameof(InterfaceRequest.Data)));

        Assert.Equal(4, (int)Marshal.OffsetOf<EthtoolTcpIp4Spec>(nameof(EthtoolTcpIp4Spec.DestinationAddress)));
        Assert.Equal(8, (int)Marshal.OffsetOf<EthtoolTcpIp4Spec>(nameof(EthtoolTcpIp4Spec.SourcePort)));
        Assert.Equal(10, (int)Marshal.OffsetOf<EthtoolTcpIp4Spec>(nameof(EthtoolTcpIp4Spec.DestinationPort)));
        Assert.Equal(12, (int)Marshal.OffsetOf<EthtoolTcpIp4Spec>(nameof(EthtoolTcpIp4Spec.TypeOfService)));
        Assert.Equal(32, (int)Marshal.OffsetOf<EthtoolTcpIp6Spec>(nameof(EthtoolTcpIp6Spec.SourcePort)));
        Assert.Equal(34, (int)Marshal.OffsetOf<EthtoolTcpIp6Spec>(nameof(EthtoolTcpIp6Spec.DestinationPort)));
        Assert.Equal(36, (int)Marshal.OffsetOf<EthtoolTcpIp6Spec>(nameof(EthtoolTcpIp6Spec.TrafficClass)));

        Assert.Equal(4, (int)Marshal.OffsetOf<EthtoolRxFlowSpec>(nameof(EthtoolRxFlowSpec.Header)));
        Assert.Equal(56, (int)Marshal.OffsetOf<EthtoolRxFlowSpec>(nameof(EthtoolRxFlowSpec.HeaderExtension)));
        Assert.Equal(76, (int)Marshal.OffsetOf<EthtoolRxFlowSpec>(nameof(EthtoolRxFlowSpec.Mask)));
        Assert.Equal(128, (int)Marshal.OffsetOf<EthtoolRxFlowSpec>(nameof(EthtoolRxFlowSpec.MaskExtension)));
        Assert.Equal(152, (int)Marshal.OffsetOf<EthtoolRxFlowSpec>(nameof(EthtoolRxFlowSpec.RingCookie)));
        Assert.Equal(160, (int)Marshal.OffsetOf<EthtoolRxFlowSpec>(nameof(EthtoolRxFlowSpec.Location)));

        Assert.Equal(4, (int)Marshal.OffsetOf<EthtoolRxnfc>(nameof(EthtoolRxnfc.FlowType)));
        Assert.Equal(8, (int)Marshal.OffsetOf<EthtoolRxnfc>(nameof(EthtoolRxnfc.Data)));
        Assert.Equal(16, (int)Marshal.OffsetOf<EthtoolRxnfc>(nameof(EthtoolRxnfc.FlowSpec)));
        Assert.Equal(184, (int)Marshal.OffsetOf<EthtoolRxnfc>(nameof(EthtoolRxnfc.RuleCount)));
        Assert.Equal(188, EthtoolRxnfc.RuleLocationsOffset);
        Assert.Equal(8, EthtoolRxfhIndirection.RingIndexOffset);
    }

    [Fact]
    public void RuleLocationBuffer_NeverShorterThanTheStruct()
    {
        Assert.Equal(192, EthtoolRxnfc.BufferSize(0));
        Assert.Equal(192, EthtoolRxnfc.BufferSize(1));
        Assert.Equal(196, EthtoolRxnfc.BufferSize(2));
        Assert.Equal(188 + 4 * 1024, EthtoolRxnfc.BufferSize(1024));
    }

    [Fact]
    public unsafe void InterfaceRequest_NameIsNulTerminatedAndBounded()
    {
        InterfaceRequest request = InterfaceRequest.For("dmkv0", null);
        byte[] bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<InterfaceRequest>(in request)).ToArray();
        Assert.Equal("dmkv0\0"u8.ToArray(), bytes[..6]);
        Assert.Throws<ArgumentException>(() => InterfaceRequest.For("sixteen-bytes-xx", null));
    }

    [Fact]
    public void TcpV4FiveTuple_IsInNetworkOrderWithMatchAllMasks()
    {
        var rule = new EthtoolFlowRule(IPAddress.Parse("192.168.1.4"), 5201, IPAddress.Parse("10.0.0.2"), 40000, Queue: 3, Location: 7);
        EthtoolRxFlowSpec spec = rule.ToFlowSpec();
        byte[] bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<EthtoolRxFlowSpec>(in spec)).ToArray();

        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes));                  // TCP_V4_FLOW
        Assert.Equal(new byte[] { 10, 0, 0, 2 }, bytes[4..8]);                             // h_u.ip4src
        Assert.Equal(new byte[] { 192, 168, 1, 4 }, bytes[8..12]);                         // h_u.ip4dst
        Assert.Equal(40000, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(12)));       // h_u.psrc
        Assert.Equal(5201, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(14)));        // h_u.pdst
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 }, bytes[76..89]); // m_u: ip, ip, ports, tos 0
        Assert.Equal(3ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(152)));     // ring_cookie
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(160)));      // location
        Assert.Equal(rule, EthtoolFlowRule.FromFlowSpec(spec));
    }

    [Fact]
    public void TcpV6ThreeTuple_LeavesTheSourceUnmatchedAndLocationAny()
    {
        var rule = new EthtoolFlowRule(IPAddress.Parse("fd00::4"), 5201, null, null, Queue: 1);
        EthtoolRxFlowSpec spec = rule.ToFlowSpec();
        byte[] bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<EthtoolRxFlowSpec>(in spec)).ToArray();

        Assert.Equal(5u, BinaryPrimitives.ReadUInt32LittleEndian(bytes));                  // TCP_V6_FLOW
        Assert.Equal(IPAddress.Parse("fd00::4").GetAddressBytes(), bytes[20..36]);         // h_u.ip6dst
        Assert.Equal(5201, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(38)));        // h_u.pdst
        Assert.All(bytes[76..92], b => Assert.Equal(0, b));                               // m_u.ip6src: not matched
        Assert.All(bytes[92..108], b => Assert.Equal(0xff, b));                           // m_u.ip6dst
        Assert.Equal(0x80000000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(160))); // RX_CLS_LOC_ANY
        Assert.Equal(rule with { Location = 0x80000000 }, EthtoolFlowRule.FromFlowSpec(spec));
    }

    [Fact]
    public void MixedFamilies_AreRefusedBeforeTheKernel()
    {
        var rule = new EthtoolFlowRule(IPAddress.Parse("fd00::4"), 5201, IPAddress.Parse("10.0.0.1"), null, Queue: 1);
        Assert.Throws<ArgumentException>(() => rule.ToFlowSpec());
    }

    [Fact]
    public void EqualSpread_IsWhatEthtoolXEqualWrites()
    {
        Assert.Equal(new uint[] { 0, 1, 2, 0, 1, 2, 0, 1 }, EthtoolIoctl.EqualSpread(8, 3));
        Assert.All(EthtoolIoctl.EqualSpread(128, 1), entry => Assert.Equal(0u, entry));
    }
}
