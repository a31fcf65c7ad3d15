using System.Buffers.Binary;
using Devmem.Kernel.Sockets;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Sockets;

/// <summary>Control buffers shaped as tcp_recvmsg_dmabuf fills them (put_cmsg_notrunc, 40 bytes per cmsg on LP64).</summary>
public class DevmemCmsgDecoderTests
{
    [Fact]
    public void LinearThenFragments_BecomeRecordsInStreamOrder()
    {
        byte[] control = new byte[5 * 40];
        var writer = new ControlMessageWriter(control);
        Put(ref writer, DevmemUapi.ScmDevmemLinear, new DmabufCmsg(0, 66, 0, 0, 0));
        Put(ref writer, DevmemUapi.ScmDevmemDmabuf, new DmabufCmsg(0x3000, 4096, 11, 2, 0));
        Put(ref writer, DevmemUapi.ScmDevmemDmabuf, new DmabufCmsg(0x7000, 1382, 12, 2, 0));
        Put(ref writer, DevmemUapi.ScmDevmemLinear, new DmabufCmsg(0, 10, 0, 0, 0));

        var fragments = new DevmemFragment[5];
        DevmemReceiveResult result = DevmemCmsgDecoder.Decode(66 + 4096 + 1382 + 10, control.AsSpan(0, writer.Written), fragments);

        Assert.Equal(new DevmemReceiveResult(5554, 76, 4, DevmemDataKind.DeviceMemory), result);
        Assert.Equal(DevmemFragment.Linear(0, 66), fragments[0]);
        Assert.Equal(new DevmemFragment(2, 0x3000, 4096, 11), fragments[1]);
        Assert.Equal(new DevmemFragment(2, 0x7000, 1382, 12), fragments[2]);
        Assert.Equal(DevmemFragment.Linear(66, 10), fragments[3]);
    }

    [Fact]
    public void NoCmsg_IsReadableData()
    {
        DevmemReceiveResult result = DevmemCmsgDecoder.Decode(1200, [], new DevmemFragment[4]);
        Assert.Equal(new DevmemReceiveResult(1200, 1200, 0, DevmemDataKind.Readable), result);
    }

    [Fact]
    public void UnknownCmsgs_AreSkipped()
    {
        byte[] control = new byte[4 * 40];
        var writer = new ControlMessageWriter(control);
        writer.Write(DevmemUapi.SolSocket, 29, new byte[16]);                       // SO_TIMESTAMPNS
        writer.Write(0, 8, new byte[12]);                                           // SOL_IP / IP_PKTINFO
        Put(ref writer, DevmemUapi.ScmDevmemDmabuf, new DmabufCmsg(0, 100, 1, 1, 0));
        writer.Write(6, DevmemUapi.ScmDevmemDmabuf, new byte[24]);                  // type 79 at another level

        var fragments = new DevmemFragment[4];
        DevmemReceiveResult result = DevmemCmsgDecoder.Decode(100, control.AsSpan(0, writer.Written), fragments);
        Assert.Equal(1, result.FragmentCount);
        Assert.Equal(new DevmemFragment(1, 0, 100, 1), fragments[0]);
    }

    [Fact]
    public void TruncatedCmsg_IsEproto()
    {
        byte[] control = new byte[80];
        var writer = new ControlMessageWriter(control);
        Put(ref writer, DevmemUapi.ScmDevmemDmabuf, new DmabufCmsg(0, 100, 1, 1, 0));
        Put(ref writer, DevmemUapi.ScmDevmemDmabuf, new DmabufCmsg(4096, 100, 2, 1, 0));

        // msg_controllen cut inside the second cmsg, and a cmsg_len below the header.
        Assert.Equal(Errno.EPROTO, Decode(200, control.AsSpan(0, 60).ToArray()).Errno);
        byte[] shortLength = control.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(shortLength.AsSpan(40), 8);
        Assert.Equal(Errno.EPROTO, Decode(200, shortLength).Errno);
    }

    [Fact]
    public void DevmemCmsgOfTheWrongSize_IsEproto()
    {
        byte[] control = new byte[40];
        var writer = new ControlMessageWriter(control);
        writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, new byte[16]);   // the seed's 16-byte layout
        Assert.Equal(Errno.EPROTO, Decode(100, control.AsSpan(0, writer.Written).ToArray()).Errno);
    }

    [Fact]
    public void RecordsNotAddingUpToTheByteCount_AreEproto()
    {
        byte[] control = new byte[40];
        var writer = new ControlMessageWriter(control);
        Put(ref writer, DevmemUapi.ScmDevmemDmabuf, new DmabufCmsg(0, 100, 1, 1, 0));
        Assert.Equal(Errno.EPROTO, Decode(101, control).Errno);
    }

    [Fact]
    public void BindingIdZero_IsEproto()
    {
        byte[] control = new byte[40];
        var writer = new ControlMessageWriter(control);
        Put(ref writer, DevmemUapi.ScmDevmemDmabuf, new DmabufCmsg(0, 100, 1, 0, 0));
        Assert.Equal(Errno.EPROTO, Decode(100, control).Errno);
    }

    [Fact]
    public void MoreRecordsThanSlots_IsEtoosmall()
    {
        byte[] control = new byte[80];
        var writer = new ControlMessageWriter(control);
        Put(ref writer, DevmemUapi.ScmDevmemDmabuf, new DmabufCmsg(0, 100, 1, 1, 0));
        Put(ref writer, DevmemUapi.ScmDevmemDmabuf, new DmabufCmsg(4096, 100, 2, 1, 0));
        DevmemException error = Assert.Throws<DevmemException>(() => DevmemCmsgDecoder.Decode(200, control, new DevmemFragment[1]));
        Assert.Equal(Errno.ETOOSMALL, error.Errno);
    }

    private static void Put(ref ControlMessageWriter writer, int type, DmabufCmsg cmsg) =>
        Assert.Equal(Errno.None, writer.Write(DevmemUapi.SolSocket, type, cmsg));

    private static DevmemException Decode(int bytes, byte[] control) =>
        Assert.Throws<DevmemException>(() => DevmemCmsgDecoder.Decode(bytes, control, new DevmemFragment[8]));
}
