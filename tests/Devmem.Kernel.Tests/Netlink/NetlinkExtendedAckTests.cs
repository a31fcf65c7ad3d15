using Devmem.Kernel.GenericNetlink;
using Devmem.Kernel.Netlink;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Netlink;

/// <summary>NLMSG_ERROR and NLMSG_DONE laid out as netlink_ack() and netlink_dump_done() write them.</summary>
public class NetlinkExtendedAckTests
{
    private static readonly NetlinkMessageHeader EchoedRequest = new(36, 0x14, 0x5, 9, 0);

    [Fact]
    public void CappedError_WithMessageOffsetAndMissingType()
    {
        byte[] datagram = Error(-22, NetlinkFlags.Capped | NetlinkFlags.AckTlvs, echoedWords: 0, writer =>
        {
            writer.PutString(NetlinkErrorAttribute.Message, "NLA_F_NESTED is missing");
            writer.PutU32(NetlinkErrorAttribute.Offset, 28);
            writer.PutU32(NetlinkErrorAttribute.MissingType, 2);
        });

        NetlinkExtendedAck ack = Parse(datagram);
        Assert.Equal(Errno.EINVAL, ack.Error);
        Assert.Equal("NLA_F_NESTED is missing", ack.Message);
        Assert.Equal(28u, ack.Offset);
        Assert.Equal(2u, ack.MissingAttributeType);
        Assert.Null(ack.MissingNestOffset);
    }

    [Fact]
    public void UncappedError_SkipsTheEchoedRequestBeforeTheAttributes()
    {
        byte[] datagram = Error(-95, NetlinkFlags.AckTlvs, echoedWords: 5, writer =>
            writer.PutString(NetlinkErrorAttribute.Message, "Driver does not support netmem TX"));

        NetlinkExtendedAck ack = Parse(datagram);
        Assert.Equal(Errno.EOPNOTSUPP, ack.Error);
        Assert.Equal("Driver does not support netmem TX", ack.Message);
    }

    [Fact]
    public void PlainAck_IsErrnoNoneWithoutText()
    {
        NetlinkExtendedAck ack = Parse(Error(0, NetlinkFlags.Capped, echoedWords: 0, _ => { }));
        Assert.Equal(Errno.None, ack.Error);
        Assert.Null(ack.Message);
        Assert.Null(ack.Offset);
    }

    [Fact]
    public void Done_CarriesTheDumpErrorAndMessage()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(NetlinkMessageType.Done, NetlinkFlags.Multi | NetlinkFlags.AckTlvs);
        writer.Write(-19);
        writer.PutString(NetlinkErrorAttribute.Message, "device gone");
        writer.EndMessage(9);

        NetlinkExtendedAck ack = Parse(writer.Written.ToArray());
        Assert.Equal(Errno.ENODEV, ack.Error);
        Assert.Equal("device gone", ack.Message);
    }

    [Fact]
    public void TruncatedError_IsEproto()
    {
        byte[] datagram = Error(-22, NetlinkFlags.Capped, echoedWords: 0, _ => { });
        byte[] cut = datagram[..(NetlinkMessageHeader.Size + 8)];
        cut[0] = (byte)cut.Length;
        Assert.Equal(Errno.EPROTO, Assert.Throws<DevmemException>(() => Parse(cut)).Errno);
    }

    [Fact]
    public void MalformedAckAttributes_AreEproto()
    {
        byte[] datagram = Error(-22, NetlinkFlags.Capped | NetlinkFlags.AckTlvs, echoedWords: 0, writer =>
            writer.PutU32(NetlinkErrorAttribute.Offset, 28));
        datagram[^8] = 200;   // the offset attribute's nla_len now runs past the message
        Assert.Equal(Errno.EPROTO, Assert.Throws<DevmemException>(() => Parse(datagram)).Errno);
    }

    [Fact]
    public void Locator_FindsTheAttributeAndItsNestAtAnOffset()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0x14, 0);
        writer.Write(new GenericNetlinkHeader(13, 1));
        writer.PutU32(1, 3);                 // at 20
        writer.PutU32(3, 42);                // at 28
        int nest = writer.BeginNested(2);    // at 36
        writer.PutU32(3, 0);                 // at 40
        writer.PutU32(1, 7);                 // at 48
        writer.EndNested(nest);
        writer.EndMessage(1);
        ReadOnlySpan<byte> request = writer.Written;

        Assert.Equal([1], NetlinkAttributeLocator.FindPath(request, GenericNetlinkHeader.Size, 20));
        Assert.Equal([2], NetlinkAttributeLocator.FindPath(request, GenericNetlinkHeader.Size, 36));
        Assert.Equal([2, 1], NetlinkAttributeLocator.FindPath(request, GenericNetlinkHeader.Size, 48));
        Assert.Null(NetlinkAttributeLocator.FindPath(request, GenericNetlinkHeader.Size, 22));
        Assert.Null(NetlinkAttributeLocator.FindPath(request, GenericNetlinkHeader.Size, 4000));
    }

    [Fact]
    public void ErrorContext_SaysErrnoKernelMessageAttributeNameAndAdvice()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0x14, 0);
        writer.Write(new GenericNetlinkHeader(13, 1));
        writer.PutU32(1, 3);
        writer.EndMessage(1);
        var context = new NetlinkErrorContext(
            "netdev bind-rx (ifindex 3)",
            _ => "use a NIC whose driver supports devmem TCP.",
            path => path[0] == 1 ? "ifindex" : "other");

        DevmemException error = context.ToException(
            new NetlinkExtendedAck(Errno.EOPNOTSUPP, "no queue management", 20, null, null), writer.Written, GenericNetlinkHeader.Size);

        Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
        Assert.Contains("EOPNOTSUPP", error.Message, StringComparison.Ordinal);
        Assert.Contains("netdev bind-rx (ifindex 3)", error.Message, StringComparison.Ordinal);
        Assert.Contains("the kernel says \"no queue management\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("attribute ifindex (byte 20", error.Message, StringComparison.Ordinal);
        Assert.Contains("What to do: use a NIC", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An NLMSG_ERROR echoing a request with <paramref name="echoedWords"/> 4-byte words of payload.</summary>
    private static byte[] Error(int error, ushort flags, int echoedWords, Action<NetlinkMessageWriter> attributes)
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(NetlinkMessageType.Error, flags);
        writer.Write(error);
        writer.Write(EchoedRequest with { Length = (uint)(NetlinkMessageHeader.Size + (echoedWords * 4)) });
        for (int i = 0; i < echoedWords; i++)
        {
            writer.Write(0xEEEE_EEEEu);
        }

        attributes(writer);
        writer.EndMessage(9);
        return writer.Written.ToArray();
    }

    private static NetlinkExtendedAck Parse(byte[] datagram)
    {
        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.TryRead(out NetlinkMessage message));
        return NetlinkExtendedAck.Parse(message);
    }
}
