using System.Buffers;
using System.Runtime.InteropServices;
using Devmem.Kernel.Interop;
using Devmem.Uapi;

namespace Devmem.Kernel.Sockets;

/// <summary>
/// The transmit half (Linux 6.16, net/ipv4/tcp.c: tcp_sendmsg_locked with <c>sockc.dmabuf_id</c>): payload
/// sent straight from a dma-buf bound with bind-tx, its completions read from the error queue.
/// </summary>
public sealed partial class KernelDevmemSocket
{
    /// <summary>Up to this many segments are described on the stack; more are rented.</summary>
    private const int StackSegments = 16;

    /// <summary>setsockopt(SO_ZEROCOPY, 1): required before any MSG_ZEROCOPY send, device memory included.</summary>
    /// <exception cref="DevmemException">The kernel refused (not TCP/UDP, or a kernel without SO_ZEROCOPY).</exception>
    public void EnableZerocopy()
    {
        int on = 1;
        int result = SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.SoZerocopy, MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in on)));
        if (result < 0)
        {
            throw new DevmemException((Errno)(-result), "setsockopt(SO_ZEROCOPY, 1) failed: only TCP, UDP and packet sockets support MSG_ZEROCOPY.");
        }
    }

    /// <summary>
    /// sendmsg(MSG_ZEROCOPY) of <paramref name="segments"/> of the dma-buf bound as <paramref name="bindingId"/>
    /// (bind-tx). The bytes must not change until <see cref="ReadCompletions"/> reports this send done; each
    /// call takes the next completion number. Returns the bytes queued.
    /// </summary>
    /// <exception cref="DevmemException">The kernel refused the send; the message says why and what to do.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bindingId"/> is 0.</exception>
    public unsafe long SendDeviceMemory(uint bindingId, ReadOnlySpan<DevmemTransmitSegment> segments, MessageFlags flags = MessageFlags.None)
    {
        // Binding ids start at 1; to the kernel a dmabuf_id of 0 means "no dma-buf", and it would take the
        // offsets below for addresses in this process and send whatever host memory lies there.
        ArgumentOutOfRangeException.ThrowIfZero(bindingId);
        IoVector[]? rented = segments.Length > StackSegments ? ArrayPool<IoVector>.Shared.Rent(segments.Length) : null;
        Span<IoVector> iov = rented ?? stackalloc IoVector[StackSegments];
        try
        {
            for (int i = 0; i < segments.Length; i++)
            {
                // The iovec's base is an offset into the dma-buf, not an address (devmem TX's convention).
                iov[i] = new IoVector { Base = (void*)segments[i].Offset, Length = (nuint)segments[i].Length };
            }

            Span<byte> control = stackalloc byte[CmsgLayout.Space(sizeof(uint))];
            var writer = new ControlMessageWriter(control);
            writer.Write(DevmemUapi.SolSocket, DevmemUapi.ScmDevmemDmabuf, bindingId);
            int sendFlags = (int)(flags | MessageFlags.Zerocopy);
            fixed (IoVector* vectors = iov)
            fixed (byte* cmsg = control)
            {
                var message = new MessageHeader
                {
                    Iov = vectors,
                    IovLength = (nuint)segments.Length,
                    Control = cmsg,
                    ControlLength = (nuint)writer.Written,
                };
                while (true)
                {
                    nint sent = LibC.SendMsg(_handle, &message, sendFlags);
                    if (sent >= 0)
                    {
                        return sent;
                    }

                    Errno errno = LibC.LastErrno();
                    if (errno == Errno.EINTR || (errno == Errno.EAGAIN && (flags & MessageFlags.DontWait) == 0 && WaitFor(LibC.POLLOUT)))
                    {
                        continue;
                    }

                    throw new DevmemException(errno, $"sendmsg(MSG_ZEROCOPY) from dma-buf binding {bindingId} ({segments.Length} segment(s)) failed: {KernelSocketErrors.Transmit(errno)}.");
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<IoVector>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Reads the zerocopy completions waiting on the error queue (recvmsg(MSG_ERRQUEUE), never blocking) into
    /// <paramref name="completions"/>; returns how many. Error-queue entries that are not zerocopy completions
    /// are consumed and skipped.
    /// </summary>
    /// <exception cref="DevmemException">The error queue could not be read.</exception>
    public unsafe int ReadCompletions(Span<ZerocopyCompletion> completions)
    {
        // One notification per message: a sock_extended_err and the offender's address (at most a 28-byte
        // sockaddr_in6), as ip_recv_error/ipv6_recv_error write them.
        Span<byte> control = stackalloc byte[CmsgLayout.Space(SockExtendedError.Size + 28)];
        int count = 0;
        fixed (byte* cmsgs = control)
        {
            while (count < completions.Length)
            {
                var message = new MessageHeader { Control = cmsgs, ControlLength = (nuint)control.Length };
                nint received = LibC.RecvMsg(_handle, &message, LibC.MSG_ERRQUEUE | (int)MessageFlags.DontWait);
                if (received < 0)
                {
                    Errno errno = LibC.LastErrno();
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    if (errno == Errno.EAGAIN)
                    {
                        break;
                    }

                    throw new DevmemException(errno, "recvmsg(MSG_ERRQUEUE) failed while reading zerocopy completions.");
                }

                var reader = new ControlMessageReader(control[..(int)message.ControlLength]);
                while (count < completions.Length && reader.TryRead(out ControlMessage cmsg))
                {
                    if (ZerocopyCompletionDecoder.TryDecode(cmsg, out ZerocopyCompletion completion))
                    {
                        completions[count++] = completion;
                    }
                }
            }
        }

        return count;
    }
}
