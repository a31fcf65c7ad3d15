using Devmem.Kernel.Sockets;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Sockets;

/// <summary>Error-queue cmsgs as ip_recv_error writes them: sock_extended_err then the offender's address.</summary>
public class ZerocopyCompletionDecoderTests
{
    [Theory]
    [InlineData(0, 11)]      // SOL_IP / IP_RECVERR
    [InlineData(41, 25)]     // SOL_IPV6 / IPV6_RECVERR
    public void ZerocopyRange_IsDecoded(int level, int type)
    {
        ZerocopyCompletion? completion = Decode(level, type, new SockExtendedError(0, SockExtendedError.OriginZerocopy, 0, SockExtendedError.CodeZerocopyCopied, 0, 3, 7));
        Assert.Equal(new ZerocopyCompletion(3, 7, Copied: true), completion);
        Assert.Equal(5u, completion!.Value.Count);
    }

    [Fact]
    public void OtherOriginsAndLevels_AreNotCompletions()
    {
        Assert.Null(Decode(0, 11, new SockExtendedError(111, 2, 3, 3, 0, 0, 0)));                      // ICMP error
        Assert.Null(Decode(1, 11, new SockExtendedError(0, SockExtendedError.OriginZerocopy, 0, 0, 0, 0, 0)));
    }

    private static ZerocopyCompletion? Decode(int level, int type, SockExtendedError error)
    {
        byte[] control = new byte[64];
        var writer = new ControlMessageWriter(control);
        byte[] data = new byte[SockExtendedError.Size + 16];
        System.Runtime.InteropServices.MemoryMarshal.Write(data, in error);
        Assert.Equal(Errno.None, writer.Write(level, type, data));
        var reader = new ControlMessageReader(control.AsSpan(0, writer.Written));
        Assert.True(reader.TryRead(out ControlMessage message));
        return ZerocopyCompletionDecoder.TryDecode(message, out ZerocopyCompletion completion) ? completion : null;
    }
}
