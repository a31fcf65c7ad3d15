using System.Net.Sockets;
using System.Runtime.InteropServices;
using Devmem.Kernel.Interop;
using Devmem.Kernel.Sockets;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Live;

/// <summary>
/// The devmem transmit path against the live kernel (net/ipv4/tcp.c: tcp_sendmsg_locked; net/core/sock.c:
/// __sock_cmsg_send; net/core/devmem.c: net_devmem_get_binding). No binding can exist here, so every send
/// that names one is refused; MSG_ZEROCOPY completions are checked with host memory over loopback.
/// </summary>
/// <remarks>
/// What Linux 6.18 answered, as DEVMEM.md section 8 has it: an unknown binding id is EINVAL with or without
/// SO_ZEROCOPY, and so is the cmsg without MSG_ZEROCOPY or with a payload that is not a u32. A dmabuf_id of
/// 0 is not an error at all: it means "no binding", and the kernel sends the host memory the iovecs address.
/// </remarks>
public class KernelDevmemTransmitTests
{
    [Fact]
    public void UnknownBinding_WithSoZerocopy_IsEinval()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Client);
        socket.EnableZerocopy();

        DevmemException error = Assert.Throws<DevmemException>(() => socket.SendDeviceMemory(12345, [new DevmemTransmitSegment(0, 4096)]));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("names no TX binding", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownBinding_WithoutSoZerocopy_IsEinval()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Client);
        Assert.Equal(Errno.EINVAL, Assert.Throws<DevmemException>(() => socket.SendDeviceMemory(1, [new DevmemTransmitSegment(0, 100)])).Errno);
    }

    [Fact]
    public void BindingIdZero_IsRefusedBeforeTheKernelReadsOffsetsAsAddresses()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Client);
        Assert.Throws<ArgumentOutOfRangeException>(() => socket.SendDeviceMemory(0, [new DevmemTransmitSegment(0, 100)]));
    }

    [Fact]
    public void DmabufCmsgNamingZero_IsAnOrdinaryHostMemorySend()
    {
        using var connection = LoopbackConnection.Open();
        Assert.Equal(4096, RawSend(connection.Client, BindingCmsg(0), zerocopy: false));
    }

    [Fact]
    public void DmabufCmsg_WithoutMsgZerocopy_IsEinval()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Client);
        socket.EnableZerocopy();
        Assert.Equal(-(int)Errno.EINVAL, RawSend(connection.Client, BindingCmsg(12345), zerocopy: false));
    }

    [Fact]
    public void DmabufCmsg_OfTheWrongSize_IsEinval()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Client);
        socket.EnableZerocopy();
        byte[] control = new byte[CmsgLayout.Space(sizeof(ulong))];
        var writer = new ControlMessageWriter(control);
        writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, 12345UL);
        Assert.Equal(-(int)Errno.EINVAL, RawSend(connection.Client, control, zerocopy: true));
    }

    [Fact]
    public unsafe void ZerocopyCompletions_AreReadFromTheErrorQueue()
    {
        using var connection = LoopbackConnection.Open();
        using var socket = new KernelDevmemSocket(connection.Client);
        socket.EnableZerocopy();

        // Native memory: a zerocopy send may use its pages until the completion arrives.
        byte* payload = (byte*)NativeMemory.AllocZeroed(4096);
        try
        {
            Assert.Equal(4096, RawSend(connection.Client, [], zerocopy: true, payload));
            Assert.Equal(4096, RawSend(connection.Client, [], zerocopy: true, payload));
            AssertCompletions(socket);
        }
        finally
        {
            NativeMemory.Free(payload);
        }
    }

    private static void AssertCompletions(KernelDevmemSocket socket)
    {
        var completions = new List<ZerocopyCompletion>();
        var batch = new ZerocopyCompletion[4];
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (completions.Sum(c => c.Count) < 2 && DateTime.UtcNow < deadline)
        {
            completions.AddRange(batch.AsSpan(0, socket.ReadCompletions(batch)).ToArray());
            Thread.Sleep(5);
        }

        // Sends 0 and 1, in one range or two; over loopback the kernel copies (SO_EE_CODE_ZEROCOPY_COPIED).
        Assert.Equal(0u, completions[0].First);
        Assert.Equal(1u, completions[^1].Last);
        Assert.Equal(2u, (uint)completions.Sum(c => c.Count));
        Assert.All(completions, c => Assert.True(c.Copied));
        Assert.Equal(0, socket.ReadCompletions(batch));
    }

    private static byte[] BindingCmsg(uint id)
    {
        byte[] control = new byte[CmsgLayout.Space(sizeof(uint))];
        var writer = new ControlMessageWriter(control);
        writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, id);
        return control;
    }

    /// <summary>sendmsg of a 4096-byte payload with the given control buffer; the byte count or a negated errno.</summary>
    private static unsafe int RawSend(Socket socket, byte[] control, bool zerocopy)
    {
        byte* payload = stackalloc byte[4096];
        return RawSend(socket, control, zerocopy, payload);
    }

    private static unsafe int RawSend(Socket socket, byte[] control, bool zerocopy, byte* payload)
    {
        fixed (byte* cmsg = control)
        {
            var iov = new IoVector { Base = payload, Length = 4096 };
            var message = new MessageHeader
            {
                Iov = &iov,
                IovLength = 1,
                Control = control.Length == 0 ? null : cmsg,
                ControlLength = (nuint)control.Length,
            };
            nint sent = LibC.SendMsg(socket.SafeHandle, &message, zerocopy ? (int)MessageFlags.Zerocopy : 0);
            return sent >= 0 ? (int)sent : -(int)LibC.LastErrno();
        }
    }
}
