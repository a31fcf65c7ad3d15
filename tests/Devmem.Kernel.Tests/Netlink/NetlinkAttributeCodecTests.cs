using System.Buffers.Binary;
using CsCheck;
using Devmem.Kernel.Netlink;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Netlink;

public class NetlinkAttributeCodecTests
{
    [Fact]
    public void Writer_OneU32_ExactLinuxBytes()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0x14, NetlinkFlags.Request | NetlinkFlags.Ack);
        writer.PutU32(1, 7);
        writer.EndMessage(9);

        byte[] expected =
        [
            24, 0, 0, 0,        // nlmsg_len
            0x14, 0,            // nlmsg_type
            5, 0,               // NLM_F_REQUEST | NLM_F_ACK
            9, 0, 0, 0,         // nlmsg_seq
            0, 0, 0, 0,         // nlmsg_pid
            8, 0, 1, 0,         // nla_len 8, nla_type 1
            7, 0, 0, 0,         // u32
        ];
        Assert.Equal(expected, writer.Written.ToArray());
    }

    [Fact]
    public void Writer_PadsEachAttributeToFourBytesWithZeros()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0x14, 0);
        writer.PutU8(1, 0xAB);
        writer.PutString(2, "abcd");
        writer.PutU16(3, 0x1234);
        writer.EndMessage(1);
        ReadOnlySpan<byte> attributes = writer.Written[NetlinkMessageHeader.Size..];

        Assert.Equal(8 + 12 + 8, attributes.Length);
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(attributes));              // u8: nla_len 5
        Assert.Equal(new byte[] { 0xAB, 0, 0, 0 }, attributes[4..8].ToArray());           // value, 3 zero pad bytes
        Assert.Equal(9, BinaryPrimitives.ReadUInt16LittleEndian(attributes[8..]));         // "abcd\0": nla_len 9
        Assert.Equal("abcd\0\0\0\0"u8.ToArray(), attributes[12..20].ToArray());
        Assert.Equal(6, BinaryPrimitives.ReadUInt16LittleEndian(attributes[20..]));        // u16: nla_len 6

        var reader = new NetlinkAttributeReader(attributes);
        Assert.True(reader.TryRead(out NetlinkAttribute a));
        Assert.Equal(0xAB, a.GetU8());
        Assert.True(reader.TryRead(out NetlinkAttribute b));
        Assert.Equal("abcd", b.GetString());
        Assert.True(reader.TryRead(out NetlinkAttribute c));
        Assert.Equal(0x1234, c.GetU16());
        Assert.False(reader.TryRead(out _));
        Assert.Equal(Errno.None, reader.Error);
    }

    [Fact]
    public void Nested_CarriesNlaFNestedAndCoversItsAttributes()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0x14, 0);
        writer.PutU32(1, 3);
        int nest = writer.BeginNested(2);
        writer.PutU32(3, 0);
        writer.PutU32(1, 5);
        writer.EndNested(nest);
        writer.EndMessage(1);
        ReadOnlySpan<byte> attributes = writer.Written[NetlinkMessageHeader.Size..];

        Assert.Equal(4 + 8 + 8, BinaryPrimitives.ReadUInt16LittleEndian(attributes[8..]));
        Assert.Equal(0x8002, BinaryPrimitives.ReadUInt16LittleEndian(attributes[10..]));

        var reader = new NetlinkAttributeReader(attributes);
        Assert.True(reader.TryRead(out _));
        Assert.True(reader.TryRead(out NetlinkAttribute queues));
        Assert.True(queues.IsNested);
        Assert.Equal(2, queues.Type);
        NetlinkAttributeReader inner = queues.GetNested();
        Assert.True(inner.TryRead(out NetlinkAttribute type));
        Assert.Equal((3, 0u), (type.Type, type.GetU32()));
        Assert.True(inner.TryRead(out NetlinkAttribute id));
        Assert.Equal((1, 5u), (id.Type, id.GetU32()));
        Assert.False(inner.TryRead(out _));
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void MultiAttribute_RepeatedTypeIsReadInOrder()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0x14, 0);
        for (uint queue = 0; queue < 3; queue++)
        {
            int nest = writer.BeginNested(2);
            writer.PutU32(1, queue);
            writer.EndNested(nest);
        }

        writer.EndMessage(1);
        var reader = new NetlinkAttributeReader(writer.Written[NetlinkMessageHeader.Size..]);
        var ids = new List<uint>();
        while (reader.TryRead(out NetlinkAttribute attribute))
        {
            Assert.Equal(2, attribute.Type);
            NetlinkAttributeReader inner = attribute.GetNested();
            Assert.True(inner.TryRead(out NetlinkAttribute id));
            ids.Add(id.GetU32());
        }

        Assert.Equal(Errno.None, reader.Error);
        Assert.Equal([0u, 1u, 2u], ids);
    }

    [Theory]
    [InlineData(new byte[] { 12, 0, 1, 0, 1, 2, 3, 4 })]          // nla_len 12 past the 8 bytes there
    [InlineData(new byte[] { 3, 0, 1, 0, 0, 0, 0, 0 })]           // nla_len below the 4-byte header
    [InlineData(new byte[] { 0, 0, 1, 0 })]                       // nla_len 0
    [InlineData(new byte[] { 8, 0, 1, 0, 1, 0, 0, 0, 4, 0 })]     // a whole attribute, then 2 stray bytes
    public void Reader_TruncatedOrOverlong_StopsWithEinval(byte[] buffer)
    {
        var reader = new NetlinkAttributeReader(buffer);
        while (reader.TryRead(out NetlinkAttribute attribute))
        {
            Assert.True(attribute.Payload.Length <= buffer.Length);
        }

        Assert.Equal(Errno.EINVAL, reader.Error);
        Assert.False(reader.TryRead(out _));
        DevmemException error = Assert.Throws<DevmemException>(() =>
        {
            var again = new NetlinkAttributeReader(buffer);
            while (again.TryRead(out _))
            {
            }

            again.ThrowIfMalformed("test");
        });
        Assert.Equal(Errno.EPROTO, error.Errno);
    }

    [Fact]
    public void Reader_LastAttributeWithoutPadding_IsAccepted()
    {
        byte[] buffer = [5, 0, 1, 0, 0x42];
        var reader = new NetlinkAttributeReader(buffer);
        Assert.True(reader.TryRead(out NetlinkAttribute attribute));
        Assert.Equal(0x42, attribute.GetU8());
        Assert.False(reader.TryRead(out _));
        Assert.Equal(Errno.None, reader.Error);
    }

    [Fact]
    public void Getters_WrongPayloadLength_AreEproto()
    {
        byte[] buffer = [6, 0, 1, 0, 1, 2];
        Assert.Equal(Errno.EPROTO, Assert.Throws<DevmemException>(() => Read(buffer).GetU32()).Errno);
        Assert.Equal(Errno.EPROTO, Assert.Throws<DevmemException>(() => Read(buffer).GetU64()).Errno);
        Assert.Equal(Errno.EPROTO, Assert.Throws<DevmemException>(() => Read(buffer).GetUInt()).Errno);
        Assert.Equal(0x0201, Read(buffer).GetU16());
    }

    [Fact]
    public void GetUInt_AcceptsTheFourAndEightByteForms()
    {
        Assert.Equal(7UL, Read([8, 0, 1, 0, 7, 0, 0, 0]).GetUInt());
        Assert.Equal(0x1_0000_0000UL, Read([12, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0]).GetUInt());
    }

    [Fact]
    public void Writer_NestOver65535Bytes_IsRefused()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0x14, 0);
        int nest = writer.BeginNested(2);
        for (int i = 0; i < 70; i++)
        {
            writer.PutAttribute(1, new byte[1000]);
        }

        Assert.Throws<InvalidOperationException>(() => writer.EndNested(nest));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.PutAttribute(1, new byte[65532]));
    }

    [Fact]
    public void Writer_ReusesItsBuffer_NoAllocationPerAttribute()
    {
        var writer = new NetlinkMessageWriter();
        writer.BeginMessage(0x14, 0);
        writer.PutU32(1, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int request = 0; request < 100; request++)
        {
            writer.BeginMessage(0x14, 0);
            for (int i = 0; i < 20; i++)
            {
                int nest = writer.BeginNested(2);
                writer.PutU32(3, 0);
                writer.PutU32(1, (uint)i);
                writer.EndNested(nest);
            }

            writer.EndMessage((uint)request);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    /// <summary>An attribute tree: a leaf with a payload, or a nest of children.</summary>
    private sealed record Node(ushort Type, byte[]? Payload, Node[] Children);

    private static readonly Gen<Node> Leaf =
        Gen.Select(Gen.UShort[1, 0x3fff], Gen.Byte.Array[0, 40]).Select((type, payload) => new Node(type, payload, []));

    private static readonly Gen<Node> Tree =
        Gen.Frequency(
            (3, Leaf),
            (1, Gen.Select(Gen.UShort[1, 0x3fff], Leaf.Array[0, 4]).Select((type, children) => new Node(type, null, children))));

    [Fact]
    public void Property_WrittenTreesReadBackIdentically()
    {
        Tree.Array[0, 8].Sample(nodes =>
        {
            var writer = new NetlinkMessageWriter(16);
            writer.BeginMessage(0x14, 0);
            foreach (Node node in nodes)
            {
                Write(writer, node);
            }

            writer.EndMessage(1);
            ReadOnlySpan<byte> attributes = writer.Written[NetlinkMessageHeader.Size..];
            Assert.Equal(0, attributes.Length % 4);
            Assert.True(Matches(new NetlinkAttributeReader(attributes), nodes));
        });
    }

    [Fact]
    public void Property_ArbitraryBytes_NeverReadOutOfBounds()
    {
        Gen.Byte.Array[0, 96].Sample(bytes =>
        {
            var reader = new NetlinkAttributeReader(bytes);
            int consumed = 0;
            while (reader.TryRead(out NetlinkAttribute attribute))
            {
                consumed += NetlinkAttribute.HeaderSize + attribute.Payload.Length;
                if (attribute.Payload.Length >= NetlinkAttribute.HeaderSize)
                {
                    var inner = new NetlinkAttributeReader(attribute.Payload);
                    while (inner.TryRead(out _))
                    {
                    }
                }
            }

            Assert.True(consumed <= bytes.Length);
            Assert.True(reader.Error == Errno.None || reader.Error == Errno.EINVAL);
        });
    }

    [Fact]
    public void Property_TruncatedValidBuffer_ReadsAPrefixThenReportsEinval()
    {
        Gen.Select(Tree.Array[1, 6], Gen.Int[0, 1000]).Sample((nodes, cutSeed) =>
        {
            var writer = new NetlinkMessageWriter(16);
            writer.BeginMessage(0x14, 0);
            foreach (Node node in nodes)
            {
                Write(writer, node);
            }

            writer.EndMessage(1);
            byte[] attributes = writer.Written[NetlinkMessageHeader.Size..].ToArray();
            int cut = cutSeed % attributes.Length;
            var reader = new NetlinkAttributeReader(attributes.AsSpan(0, cut));
            int read = 0;
            while (reader.TryRead(out NetlinkAttribute attribute))
            {
                Assert.Equal(nodes[read++].Type, attribute.Type);
            }

            // A cut inside an attribute's header or payload is always detected.
            Assert.True(reader.Error == Errno.EINVAL || IsBoundary(attributes, cut));
        });
    }

    private static NetlinkAttribute Read(byte[] buffer)
    {
        var reader = new NetlinkAttributeReader(buffer);
        Assert.True(reader.TryRead(out NetlinkAttribute attribute));
        return attribute;
    }

    private static void Write(NetlinkMessageWriter writer, Node node)
    {
        if (node.Payload is not null)
        {
            writer.PutAttribute(node.Type, node.Payload);
            return;
        }

        int nest = writer.BeginNested(node.Type);
        foreach (Node child in node.Children)
        {
            Write(writer, child);
        }

        writer.EndNested(nest);
    }

    private static bool Matches(NetlinkAttributeReader reader, Node[] nodes)
    {
        foreach (Node node in nodes)
        {
            if (!reader.TryRead(out NetlinkAttribute attribute) || attribute.Type != node.Type || attribute.IsNested != (node.Payload is null))
            {
                return false;
            }

            if (node.Payload is not null ? !attribute.Payload.SequenceEqual(node.Payload) : !Matches(attribute.GetNested(), node.Children))
            {
                return false;
            }
        }

        return !reader.TryRead(out _) && reader.Error == Errno.None;
    }

    private static bool IsBoundary(byte[] attributes, int cut)
    {
        // The end of an attribute, anywhere in its padding: the bytes cut are only padding, so nothing is lost.
        int position = 0;
        while (position < cut)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(attributes.AsSpan(position));
            if (cut >= position + length && cut <= position + NetlinkAttribute.Align(length))
            {
                return true;
            }

            position += NetlinkAttribute.Align(length);
        }

        return position == cut;
    }
}
