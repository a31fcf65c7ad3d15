using System.Runtime.InteropServices;
using CsCheck;
using Devmem.Uapi;

namespace Devmem.Tests.Uapi;

public class ControlMessageCodecTests
{
    private static readonly DmabufCmsg Sample = new(0x0000_0001_0000_2000, 1448, 17, 3, 0);

    [Fact]
    public void Writer_OneDmabufCmsg_ExactLinuxBytes()
    {
        byte[] control = new byte[40];
        var writer = new ControlMessageWriter(control);
        Assert.Equal(Errno.None, writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, Sample));
        Assert.Equal(40, writer.Written);

        byte[] expected =
        [
            40, 0, 0, 0, 0, 0, 0, 0,        // cmsg_len = CMSG_LEN(24)
            1, 0, 0, 0,                     // SOL_SOCKET
            79, 0, 0, 0,                    // SCM_DEVMEM_DMABUF
            0x00, 0x20, 0, 0, 1, 0, 0, 0,   // frag_offset
            0xA8, 0x05, 0, 0,               // frag_size 1448
            17, 0, 0, 0,                    // frag_token
            3, 0, 0, 0,                     // dmabuf_id
            0, 0, 0, 0,                     // flags
        ];
        Assert.Equal(expected, control);
    }

    [Fact]
    public void Writer_ManyCmsgs_PackedAt40ByteStrides()
    {
        const int count = 5;
        byte[] control = new byte[count * 40];
        var writer = new ControlMessageWriter(control);
        for (uint i = 0; i < count; i++)
        {
            Assert.Equal(Errno.None, writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, Sample with { FragToken = i + 1 }));
        }

        Assert.Equal(count * 40, writer.Written);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(40UL, BitConverter.ToUInt64(control, i * 40));
            Assert.Equal((uint)(i + 1), BitConverter.ToUInt32(control, (i * 40) + 16 + 12));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    public void Writer_ExactlyNTimes40Fits_OneByteShortIsEtoosmallAndWritesNothing(int n)
    {
        byte[] exact = new byte[n * 40];
        var fits = new ControlMessageWriter(exact);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(Errno.None, fits.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, Sample));
        }

        Assert.Equal(0, fits.Remaining);

        byte[] shortBuffer = new byte[(n * 40) - 1];
        Array.Fill(shortBuffer, (byte)0xEE);
        var refuses = new ControlMessageWriter(shortBuffer);
        for (int i = 0; i < n - 1; i++)
        {
            Assert.Equal(Errno.None, refuses.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, Sample));
        }

        int before = refuses.Written;
        Assert.False(refuses.CanWrite(DmabufCmsg.Size));
        Assert.Equal(Errno.ETOOSMALL, refuses.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, Sample));
        Assert.Equal(before, refuses.Written);
        Assert.All(shortBuffer[before..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Writer_LastUnpaddedMessage_AdvancesByRemainingLikePutCmsg()
    {
        // CMSG_LEN(4) = 20 fits in 20 bytes; the cursor advances by min(CMSG_SPACE(4)=24, 20).
        byte[] control = new byte[20];
        var writer = new ControlMessageWriter(control);
        Assert.Equal(Errno.None, writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, 42u));
        Assert.Equal(20, writer.Written);

        var reader = new ControlMessageReader(control);
        Assert.True(reader.TryRead(out var message));
        Assert.True(message.TryGetUInt32(out uint id));
        Assert.Equal(42u, id);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(Errno.None, reader.Error);
    }

    [Fact]
    public void Writer_PaddingBytesAreLeftUntouched()
    {
        byte[] control = new byte[48];
        Array.Fill(control, (byte)0xCC);
        var writer = new ControlMessageWriter(control);
        Assert.Equal(Errno.None, writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, 7u));
        Assert.Equal(24, writer.Written);
        Assert.All(control[20..24], b => Assert.Equal(0xCC, b));
    }

    [Fact]
    public void Reader_WalksMixedMessagesAndReportsUnknownTypes()
    {
        byte[] control = new byte[40 + 40 + 32 + 40];
        var writer = new ControlMessageWriter(control);
        writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemLinear, new DmabufCmsg(0, 100, 0, 0, 0));
        writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, Sample);
        writer.Write(41, 50, new RfcV3CmsgDevmem(1, 2, 3));
        writer.Write(DevmemUapi.SolSocket, DevmemUapi.RfcV3SoDevmemOffset, new RfcV3CmsgDevmem(4096, 10, 9));

        var reader = new ControlMessageReader(control.AsSpan(0, writer.Written));
        Assert.True(reader.TryRead(out var linear));
        Assert.Equal(DevmemUapi.ScmDevmemLinear, linear.Type);
        Assert.True(linear.TryGetDmabufCmsg(out var l));
        Assert.Equal(100u, l.FragSize);

        Assert.True(reader.TryRead(out var frag));
        Assert.True(frag.TryGetDmabufCmsg(out var f));
        Assert.Equal(Sample, f);

        Assert.True(reader.TryRead(out var unknown));
        Assert.Equal(41, unknown.Level);
        Assert.Equal(50, unknown.Type);
        Assert.False(unknown.TryGetDmabufCmsg(out _));

        Assert.True(reader.TryRead(out var rfc));
        Assert.True(rfc.TryGetRfcV3CmsgDevmem(out var r));
        Assert.Equal(new RfcV3CmsgDevmem(4096, 10, 9), r);

        Assert.False(reader.TryRead(out _));
        Assert.Equal(Errno.None, reader.Error);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(15UL)]
    [InlineData(41UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(0x1_0000_0028UL)]
    public void Reader_RejectsImpossibleCmsgLen(ulong cmsgLen)
    {
        byte[] control = new byte[40];
        MemoryMarshal.Write(control, cmsgLen);
        var reader = new ControlMessageReader(control);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(Errno.EINVAL, reader.Error);
        Assert.Equal(0, reader.Position);
    }

    [Fact]
    public void Reader_RejectsStrayBytesTooFewForAHeader()
    {
        byte[] control = new byte[40 + 8];
        var writer = new ControlMessageWriter(control);
        writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, Sample);
        var reader = new ControlMessageReader(control);
        Assert.True(reader.TryRead(out _));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(Errno.EINVAL, reader.Error);
        Assert.Equal(40, reader.Position);
    }

    [Fact]
    public void Reader_SecondMessageTruncated_FirstStillDelivered()
    {
        byte[] control = new byte[80];
        var writer = new ControlMessageWriter(control);
        writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, Sample);
        writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, Sample);
        var reader = new ControlMessageReader(control.AsSpan(0, 70));
        Assert.True(reader.TryRead(out _));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(Errno.EINVAL, reader.Error);
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void Property_WrittenMessagesReadBackExactly()
    {
        var message = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 200], Gen.Byte.Array[0, 64]);
        Gen.Select(message.Array[0, 12], Gen.Int[0, 1200]).Sample(tuple =>
        {
            var (messages, capacity) = tuple;
            byte[] control = new byte[capacity];
            var writer = new ControlMessageWriter(control);
            int accepted = 0;
            foreach (var (level, type, data) in messages)
            {
                bool fits = writer.Remaining >= CmsgLayout.Len(data.Length);
                Errno result = writer.Write(level, type, data);
                Assert.Equal(fits ? Errno.None : Errno.ETOOSMALL, result);
                if (!fits)
                {
                    break;
                }

                accepted++;
            }

            var reader = new ControlMessageReader(control.AsSpan(0, writer.Written));
            for (int i = 0; i < accepted; i++)
            {
                Assert.True(reader.TryRead(out var read));
                Assert.Equal(messages[i].Item1, read.Level);
                Assert.Equal(messages[i].Item2, read.Type);
                Assert.True(read.Data.SequenceEqual(messages[i].Item3));
            }

            Assert.False(reader.TryRead(out _));
            Assert.Equal(Errno.None, reader.Error);
        }, iter: 5000);
    }

    [Fact]
    public void Property_ReaderNeverThrowsOrOverrunsOnArbitraryBytes()
    {
        Gen.Byte.Array[0, 256].Sample(bytes =>
        {
            var reader = new ControlMessageReader(bytes);
            int total = 0;
            while (reader.TryRead(out var message))
            {
                total += CmsgLayout.HeaderSize + message.Data.Length;
                Assert.True(total <= bytes.Length);
            }
        }, iter: 20000);
    }
}
