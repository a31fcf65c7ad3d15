using System.Buffers.Binary;
using Devmem.Kernel.Ethtool;
using Devmem.Kernel.Ethtool.Uapi;
using Devmem.Kernel.Netlink;

namespace Devmem.Kernel.Tests.Ethtool;

/// <summary>ethtool netlink requests as bytes, and replies parsed from synthesized buffers.</summary>
public class EthtoolRequestEncodingTests
{
    [Fact]
    public void RingsSet_HeaderNestThenSplitAndThreshold()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0x20, 0);
        EthtoolClient.EncodeHeader(writer, EthtoolRingsAttribute.Header, "eth1");
        EthtoolClient.EncodeRings(writer, new EthtoolRingsChange(TcpDataSplit: EthtoolTcpDataSplit.Enabled, HdsThresh: 0));
        writer.EndMessage(1);
        ReadOnlySpan<byte> attributes = writer.Written[NetlinkMessageHeader.Size..];

        byte[] expected =
        [
            16, 0, 0x01, 0x80,          // ETHTOOL_A_RINGS_HEADER | NLA_F_NESTED, 16 bytes
            9, 0, 2, 0,                 //   ETHTOOL_A_HEADER_DEV_NAME, "eth1\0"
            (byte)'e', (byte)'t', (byte)'h', (byte)'1', 0, 0, 0, 0,
            5, 0, 11, 0, 2, 0, 0, 0,    // ETHTOOL_A_RINGS_TCP_DATA_SPLIT (u8) = ENABLED
            8, 0, 17, 0, 0, 0, 0, 0,    // ETHTOOL_A_RINGS_HDS_THRESH (u32) = 0
        ];
        Assert.Equal(expected, attributes.ToArray());
    }

    [Fact]
    public void ChannelsSet_OnlyTheGivenCounts()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0x20, 0);
        EthtoolClient.EncodeHeader(writer, EthtoolChannelsAttribute.Header, "v0");
        EthtoolClient.EncodeChannels(writer, new EthtoolChannelsChange(Rx: 2, Combined: 4));
        writer.EndMessage(1);

        var reader = new NetlinkAttributeReader(writer.Written[NetlinkMessageHeader.Size..]);
        Assert.True(reader.TryRead(out NetlinkAttribute header));
        Assert.True(header.IsNested);
        Assert.Equal(EthtoolChannelsAttribute.Header, header.Type);
        NetlinkAttributeReader inner = header.GetNested();
        Assert.True(inner.TryRead(out NetlinkAttribute name));
        Assert.Equal(EthtoolHeaderAttribute.DevName, name.Type);
        Assert.Equal("v0", name.GetString());
        Assert.True(reader.TryRead(out NetlinkAttribute rx));
        Assert.Equal((EthtoolChannelsAttribute.RxCount, 2u), (rx.Type, rx.GetU32()));
        Assert.True(reader.TryRead(out NetlinkAttribute combined));
        Assert.Equal((EthtoolChannelsAttribute.CombinedCount, 4u), (combined.Type, combined.GetU32()));
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void RingsReply_ParsesEveryDevmemField()
    {
        byte[] reply = Attributes(
            (EthtoolRingsAttribute.RxMax, U32(4096)),
            (EthtoolRingsAttribute.TxMax, U32(2048)),
            (EthtoolRingsAttribute.Rx, U32(1024)),
            (EthtoolRingsAttribute.Tx, U32(512)),
            (EthtoolRingsAttribute.TcpDataSplit, [1]),
            (EthtoolRingsAttribute.HdsThresh, U32(256)),
            (EthtoolRingsAttribute.HdsThreshMax, U32(1024)));

        Assert.Equal(
            new EthtoolRings(4096, 2048, 1024, 512, null, EthtoolTcpDataSplit.Disabled, 256, 1024),
            EthtoolRings.Parse(new NetlinkAttributeReader(reply)));
    }

    [Fact]
    public void ChannelsReply_AbsentKindsAreNull()
    {
        byte[] reply = Attributes(
            (EthtoolChannelsAttribute.CombinedMax, U32(8)),
            (EthtoolChannelsAttribute.CombinedCount, U32(4)));

        EthtoolChannels channels = EthtoolChannels.Parse(new NetlinkAttributeReader(reply));
        Assert.Equal(new EthtoolChannels(null, null, null, 8, null, null, null, 4), channels);
        Assert.Equal(4u, channels.RxQueues);
        Assert.Equal(new EthtoolChannelsChange(null, null, null, 4), EthtoolChannelsChange.RestoreOf(channels));
    }

    private static byte[] U32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Attributes(params (ushort Type, byte[] Payload)[] attributes)
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0, 0);
        foreach ((ushort type, byte[] payload) in attributes)
        {
            writer.PutAttribute(type, payload);
        }

        writer.EndMessage(0);
        return writer.Written[NetlinkMessageHeader.Size..].ToArray();
    }
}
