using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Devmem.Kernel.Sockets;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Live;

/// <summary>
/// recvmsg(MSG_SOCK_DEVMEM) and SO_DEVMEM_DONTNEED on real kernel TCP sockets over loopback. Loopback is not a
/// bound queue, so the kernel hands out readable data with no devmem cmsg, exactly as for an unsteered flow.
/// </summary>
public partial class KernelDevmemReceiveTests
{
    [Fact]
    public void Receive_UnsteeredFlow_IsReadableWithNoRecords()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Server);
        connection.Client.Send("hello, world"u8);

        byte[] linear = new byte[64];
        var fragments = new DevmemFragment[8];
        DevmemReceiveResult result = socket.Receive(linear, fragments, 64);

        Assert.Equal(new DevmemReceiveResult(12, 12, 0, DevmemDataKind.Readable), result);
        Assert.Equal("hello, world"u8.ToArray(), linear[..12]);
    }

    [Fact]
    public void ReceiveMessage_PassesTheKernelsBytesThrough_NoControlMessage()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Server);
        connection.Client.Send("abc"u8);

        byte[] buffer = new byte[16];
        byte[] control = new byte[400];
        int count = socket.ReceiveMessage(buffer, control, MessageFlags.SockDevmem, out int controlLength);

        Assert.Equal(3, count);
        Assert.Equal(0, controlLength);
        Assert.Equal("abc"u8.ToArray(), buffer[..3]);
    }

    [Fact]
    public void Receive_OneMebibyteThroughANonBlockingDescriptor_ArrivesIntact()
    {
        using var connection = LoopbackConnection.Open();
        connection.Server.Blocking = false;   // recvmsg now answers EAGAIN; the socket must wait with poll
        using var socket = new KernelDevmemSocket(connection.Server);
        byte[] sent = RandomNumberGenerator.GetBytes(1 << 20);
        var sender = new Thread(() =>
        {
            Thread.Sleep(50);
            connection.Client.Send(sent);
            connection.Client.Shutdown(SocketShutdown.Send);
        });
        sender.Start();

        byte[] received = new byte[sent.Length];
        var fragments = new DevmemFragment[16];
        int total = 0;
        while (true)
        {
            DevmemReceiveResult result = socket.Receive(received.AsSpan(total), fragments, 65536);
            if (result.IsEndOfStream)
            {
                break;
            }

            Assert.Equal(DevmemDataKind.Readable, result.Kind);
            Assert.Equal(result.Bytes, result.LinearBytes);
            total += result.Bytes;
        }

        sender.Join();
        Assert.Equal(sent.Length, total);
        Assert.Equal(sent, received);
    }

    [Fact]
    public void Receive_DontWaitWithNothingQueued_IsEagain()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Server);
        DevmemException error = Assert.Throws<DevmemException>(() =>
            socket.Receive(new byte[16], new DevmemFragment[1], 16, MessageFlags.SockDevmem | MessageFlags.DontWait));
        Assert.Equal(Errno.EAGAIN, error.Errno);
    }

    [Fact]
    public void ReceiveMessage_DontWaitWithNothingQueued_ReturnsNegatedEagain()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Server);
        int result = socket.ReceiveMessage(new byte[16], new byte[40], MessageFlags.SockDevmem | MessageFlags.DontWait, out int controlLength);
        Assert.Equal(-(int)Errno.EAGAIN, result);
        Assert.Equal(0, controlLength);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(128)]
    public void ReturnTokens_NothingHeld_FreesZero(int ranges)
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Server);
        DmabufToken[] tokens = Enumerable.Range(1, ranges).Select(i => DmabufToken.One((uint)i)).ToArray();
        Assert.Equal(0, socket.ReturnTokens(tokens));
    }

    [Fact]
    public void ReturnTokens_129Ranges_IsEinvalWithAdvice()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Server);
        DmabufToken[] tokens = Enumerable.Range(1, 129).Select(i => DmabufToken.One((uint)i)).ToArray();
        DevmemException error = Assert.Throws<DevmemException>(() => socket.ReturnTokens(tokens));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("split the request", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(4)]
    [InlineData(0)]
    public void Dontneed_BadOptlen_IsEinval(int optlen)
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Server);
        Assert.Equal(-(int)Errno.EINVAL, socket.SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.SoDevmemDontneed, new byte[optlen]));
    }

    [Fact]
    public void Dontneed_OnUdp_IsEbadf()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var socket = new KernelDevmemSocket(udp);
        Assert.Equal(-(int)Errno.EBADF, socket.SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.SoDevmemDontneed, new byte[DmabufToken.Size]));
        DevmemException error = Assert.Throws<DevmemException>(() => socket.ReturnTokens([DmabufToken.One(1)]));
        Assert.Equal(Errno.EBADF, error.Errno);
        Assert.Contains("TCP sockets only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dontneed_OnAListeningSocket_FreesZero()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Listener);
        Assert.Equal(0, socket.ReturnTokens([DmabufToken.One(1)]));
    }

    [Fact]
    public void ReturnTokens_Empty_ReturnsZeroWithoutAskingTheKernel()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var socket = new KernelDevmemSocket(udp);
        Assert.Equal(0, socket.ReturnTokens([]));
    }

    [Fact]
    public void OwnedRawDescriptor_IsClosedOnDispose()
    {
        using var connection = LoopbackConnection.Open();
        var handle = new Interop.FileDescriptorHandle(Dup(connection.Server));
        var socket = new KernelDevmemSocket(handle, ownsHandle: true);
        connection.Client.Send("x"u8);
        Assert.Equal(1, socket.Receive(new byte[4], new DevmemFragment[1], 4).Bytes);
        socket.Dispose();
        Assert.True(handle.IsClosed);
        Assert.True(connection.Server.Connected);
    }

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int DupDescriptor(SafeHandle fd);

    private static int Dup(Socket socket)
    {
        int fd = DupDescriptor(socket.SafeHandle);
        Assert.True(fd >= 0, $"dup failed: errno {Marshal.GetLastPInvokeError()}");
        return fd;
    }
}
