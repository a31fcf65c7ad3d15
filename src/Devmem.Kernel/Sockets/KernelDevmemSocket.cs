using System.Net.Sockets;
using System.Runtime.InteropServices;
using Devmem.Kernel.Interop;
using Devmem.Uapi;

namespace Devmem.Kernel.Sockets;

/// <summary>
/// A real TCP socket driven through Linux's own devmem TCP: <c>recvmsg(MSG_SOCK_DEVMEM)</c>,
/// <c>SO_DEVMEM_DONTNEED</c> and, for transmit, <c>sendmsg(MSG_ZEROCOPY)</c> with an
/// <c>SCM_DEVMEM_DMABUF</c> binding id. Its receive methods have the shapes of the user-space engine's
/// <c>DevmemReceiver</c>, so the same application code runs on both engines.
/// </summary>
/// <remarks>
/// <para>Two faces, as in the user-space engine: <see cref="ReceiveMessage"/> passes the kernel's bytes
/// through (iov and cmsgs as recvmsg wrote them) and <see cref="Receive"/> decodes the cmsgs into
/// <see cref="DevmemFragment"/>s.</para>
/// <para>Calls block unless <see cref="MessageFlags.DontWait"/> is given, even when the runtime put the
/// descriptor in non-blocking mode (it waits with poll(2)). Token returns may run concurrently with a receive,
/// as the kernel's SO_DEVMEM_DONTNEED does not take the socket lock.</para>
/// </remarks>
public sealed partial class KernelDevmemSocket : IDisposable
{
    private static readonly int RecordSpace = CmsgLayout.Space(DmabufCmsg.Size);

    private readonly SafeHandle _handle;

    // Held so that a borrowed Socket is not collected (and its descriptor closed) while this object uses it.
    private readonly Socket? _socket;
    private readonly bool _ownsHandle;
    private readonly Lock _receiveLock = new();
    private byte[] _control = [];

    /// <summary>Drives <paramref name="socket"/> (a connected TCP socket); it stays the caller's to close.</summary>
    public KernelDevmemSocket(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _handle = socket.SafeHandle;
    }

    /// <summary>Drives the socket descriptor in <paramref name="handle"/>; disposing closes it when <paramref name="ownsHandle"/>.</summary>
    public KernelDevmemSocket(SafeHandle handle, bool ownsHandle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        _handle = handle;
        _ownsHandle = ownsHandle;
    }

    /// <summary>The socket descriptor.</summary>
    public SafeHandle Handle => _handle;

    /// <summary>
    /// recvmsg(2) as the kernel does it: stream bytes (readable data, or the linear part of device-memory
    /// data) into <paramref name="buffer"/>, devmem cmsgs into <paramref name="control"/>. Returns the byte count
    /// (0 at end of stream) or a negated errno, and the <c>msg_controllen</c> the kernel reported.
    /// </summary>
    public int ReceiveMessage(Span<byte> buffer, Span<byte> control, MessageFlags flags, out int controlLength) =>
        RecvMsg(buffer, control, (int)flags, out controlLength, out _);

    /// <summary>
    /// Receives stream bytes: readable and linear bytes into <paramref name="linear"/>, one record per devmem
    /// cmsg into <paramref name="fragments"/> (its length sets the control buffer: 40 bytes per record).
    /// Throws <see cref="DevmemException"/> with the errno recvmsg returned.
    /// </summary>
    /// <param name="linear">The ordinary buffer.</param>
    /// <param name="fragments">Room for the records.</param>
    /// <param name="maxBytes">
    /// Most stream bytes to consume. The kernel sizes a receive by its iov, whose space linear bytes use and
    /// device bytes only count against, so one call consumes at most <c>min(maxBytes, linear.Length)</c>.
    /// </param>
    /// <param name="flags">Normally <see cref="MessageFlags.SockDevmem"/>.</param>
    public DevmemReceiveResult Receive(Span<byte> linear, Span<DevmemFragment> fragments, int maxBytes, MessageFlags flags = MessageFlags.SockDevmem)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        int controlSize = checked(fragments.Length * RecordSpace);
        lock (_receiveLock)
        {
            if (_control.Length < controlSize)
            {
                _control = new byte[controlSize];
            }

            Span<byte> control = _control.AsSpan(0, controlSize);
            int count = RecvMsg(linear[..Math.Min(maxBytes, linear.Length)], control, (int)flags, out int controlLength, out _);
            if (count < 0)
            {
                Errno errno = (Errno)(-count);
                throw new DevmemException(errno, $"recvmsg({flags}) failed: {KernelSocketErrors.Receive(errno)}.");
            }

            // MSG_CTRUNC can only concern other control messages: devmem cmsgs are written whole or the
            // receive fails with ETOOSMALL (put_cmsg_notrunc), so the records decoded are complete.
            DevmemReceiveResult result = DevmemCmsgDecoder.Decode(count, control[..controlLength], fragments);

            // MSG_TRUNC consumes without copying anything.
            return (flags & MessageFlags.Truncate) != 0 ? result with { LinearBytes = 0 } : result;
        }
    }

    /// <summary>
    /// SO_DEVMEM_DONTNEED with typed ranges: the kernel drops the reference each named token holds; unknown,
    /// stale and repeated ids are skipped. Returns the number of frags freed. An empty span returns 0 without
    /// a system call, as the user-space engine does.
    /// </summary>
    /// <exception cref="DevmemException">EINVAL over 128 ranges; EBADF on a socket that is not TCP.</exception>
    public int ReturnTokens(ReadOnlySpan<DmabufToken> tokens)
    {
        if (tokens.IsEmpty)
        {
            return 0;
        }

        int result = SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.SoDevmemDontneed, MemoryMarshal.AsBytes(tokens));
        if (result < 0)
        {
            Errno errno = (Errno)(-result);
            throw new DevmemException(errno, $"setsockopt(SO_DEVMEM_DONTNEED) failed: {KernelSocketErrors.Dontneed(errno, tokens.Length)}.");
        }

        return result;
    }

    /// <summary>
    /// setsockopt(2) with the value's bytes as optval and its length as optlen, passed to the kernel as given.
    /// Returns the kernel's result (for SO_DEVMEM_DONTNEED, the count freed) or a negated errno.
    /// </summary>
    public unsafe int SetSocketOption(int level, int name, ReadOnlySpan<byte> value)
    {
        fixed (byte* optval = value)
        {
            int result = LibC.SetSockOpt(_handle, level, name, optval, (uint)value.Length);
            return result >= 0 ? result : -(int)LibC.LastErrno();
        }
    }

    /// <summary>Closes the descriptor if this object owns it; a borrowed <see cref="Socket"/> stays open.</summary>
    public void Dispose()
    {
        if (_ownsHandle)
        {
            _handle.Dispose();
        }
    }

    private unsafe int RecvMsg(Span<byte> buffer, Span<byte> control, int flags, out int controlLength, out int messageFlags)
    {
        fixed (byte* data = buffer)
        fixed (byte* cmsgs = control)
        {
            var iov = new IoVector { Base = data, Length = (nuint)buffer.Length };
            while (true)
            {
                var message = new MessageHeader
                {
                    Iov = &iov,
                    IovLength = 1,
                    Control = control.IsEmpty ? null : cmsgs,
                    ControlLength = (nuint)control.Length,
                };
                nint received = LibC.RecvMsg(_handle, &message, flags);
                if (received >= 0)
                {
                    controlLength = (int)message.ControlLength;
                    messageFlags = message.Flags;
                    return (int)received;
                }

                Errno errno = LibC.LastErrno();
                if (errno == Errno.EINTR || (errno == Errno.EAGAIN && (flags & (int)MessageFlags.DontWait) == 0 && WaitFor(LibC.POLLIN)))
                {
                    continue;
                }

                controlLength = 0;
                messageFlags = 0;
                return -(int)errno;
            }
        }
    }

    /// <summary>
    /// Waits until the descriptor is ready for <paramref name="events"/>: the runtime switches sockets it uses
    /// asynchronously to non-blocking mode, where a call that should block fails with EAGAIN instead.
    /// </summary>
    private unsafe bool WaitFor(short events)
    {
        bool referenced = false;
        try
        {
            _handle.DangerousAddRef(ref referenced);
            var descriptor = new PollDescriptor { Fd = (int)_handle.DangerousGetHandle(), Events = events };
            while (LibC.Poll(&descriptor, 1, -1) < 0)
            {
                if (LibC.LastErrno() != Errno.EINTR)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            if (referenced)
            {
                _handle.DangerousRelease();
            }
        }
    }
}
