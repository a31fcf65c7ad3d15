using System.Buffers.Binary;
using Devmem.Kernel.Netlink;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Netlink;

public class NetlinkMessageReaderTests
{
    [Fact]
    public void TwoMessagesInADatagram_AreReadAtAlignedOffsets()
    {
        byte[] first = Message(0x14, 1, payloadLength: 5);
        byte[] second = Message(NetlinkMessageType.Done, 1, payloadLength: 4);
        byte[] datagram = [.. first, 0, 0, 0, .. second];

        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.TryRead(out NetlinkMessage a));
        Assert.Equal((0x14, 5), (a.Header.Type, a.Payload.Length));
        Assert.True(reader.TryRead(out NetlinkMessage b));
        Assert.Equal((NetlinkMessageType.Done, 4), (b.Header.Type, b.Payload.Length));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(Errno.None, reader.Error);
    }

    [Theory]
    [InlineData(15)]     // nlmsg_len below the header
    [InlineData(64)]     // nlmsg_len past the datagram
    public void BadLength_StopsWithEinval(int length)
    {
        byte[] datagram = Message(0x14, 1, payloadLength: 8);
        BinaryPrimitives.WriteUInt32LittleEndian(datagram, (uint)length);
        var reader = new NetlinkMessageReader(datagram);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(Errno.EINVAL, reader.Error);
    }

    [Fact]
    public void StrayBytesAfterTheLastMessage_StopWithEinval()
    {
        byte[] datagram = [.. Message(0x14, 1, payloadLength: 4), 1, 2, 3, 4];
        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.TryRead(out _));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(Errno.EINVAL, reader.Error);
    }

    private static byte[] Message(ushort type, uint sequence, int payloadLength)
    {
        byte[] message = new byte[NetlinkMessageHeader.Size + payloadLength];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        return message;
    }
}
