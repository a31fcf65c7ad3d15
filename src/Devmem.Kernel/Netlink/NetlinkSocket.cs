using System.Globalization;
using System.Runtime.InteropServices;
using Devmem.Kernel.Interop;
using Devmem.Uapi;

namespace Devmem.Kernel.Netlink;

/// <summary>
/// One <c>AF_NETLINK</c> socket talking to the kernel: it sends the request built in <see cref="Request"/>
/// and hands back the replies that answer it, up to the ACK or NLMSG_DONE that ends them.
/// </summary>
/// <remarks>
/// <para>The socket asks for extended ACKs (<c>NETLINK_EXT_ACK</c>, so errors carry the kernel's message and
/// the offending attribute) and capped ACKs (<c>NETLINK_CAP_ACK</c>, so errors do not echo the whole request).</para>
/// <para>Every request gets the next sequence number; a reply with another number answers an earlier request
/// whose replies were abandoned and is skipped. Request and receive buffers are kept for the socket's life.</para>
/// <para>Not thread-safe: one request at a time.</para>
/// </remarks>
public sealed class NetlinkSocket : IDisposable
{
    // A dump skb holds up to 32 KiB (netlink_dump's allocation); larger datagrams grow the buffer.
    private const int InitialReceiveSize = 32 * 1024;

    private readonly FileDescriptorHandle _fd;
    private byte[] _receive = new byte[InitialReceiveSize];
    private int _received;
    private int _consumed;
    private uint _sequence;
    private uint _pendingSequence;
    private bool _pending;

    private NetlinkSocket(FileDescriptorHandle fd, int protocol, uint portId)
    {
        _fd = fd;
        Protocol = protocol;
        PortId = portId;
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>The netlink protocol (<see cref="NetlinkProtocol.Generic"/>, ...).</summary>
    public int Protocol { get; }

    /// <summary>The port id the kernel assigned at bind (<c>nl_pid</c>).</summary>
    public uint PortId { get; }

    /// <summary>The request being built; <see cref="BeginRequest"/> starts a new one.</summary>
    public NetlinkMessageWriter Request { get; } = new();

    /// <summary>
    /// Opens and binds a netlink socket of <paramref name="protocol"/> in the calling thread's network
    /// namespace, with extended and capped ACKs on.
    /// </summary>
    /// <exception cref="DevmemException">socket, bind or getsockname failed (errno in the exception).</exception>
    public static unsafe NetlinkSocket Open(int protocol)
    {
        int fd = LibC.Socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            throw new DevmemException(
                LibC.LastErrno(),
                $"socket(AF_NETLINK, SOCK_RAW, {protocol}) failed; the kernel lacks this netlink protocol, the open-file limit is reached, or a seccomp policy forbids netlink sockets.");
        }

        var handle = new FileDescriptorHandle(fd);
        try
        {
            // struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; }
            Span<byte> address = stackalloc byte[12];
            address.Clear();
            MemoryMarshal.Write(address, (ushort)LibC.AF_NETLINK);
            uint length = (uint)address.Length;
            fixed (byte* a = address)
            {
                if (LibC.Bind(handle, a, length) != 0)
                {
                    throw new DevmemException(LibC.LastErrno(), "bind(AF_NETLINK) failed; the kernel could not assign a netlink port.");
                }

                if (LibC.GetSockName(handle, a, &length) != 0)
                {
                    throw new DevmemException(LibC.LastErrno(), "getsockname(AF_NETLINK) failed.");
                }
            }

            EnableOption(handle, NetlinkProtocol.ExtAck, "NETLINK_EXT_ACK");
            EnableOption(handle, NetlinkProtocol.CapAck, "NETLINK_CAP_ACK");
            return new NetlinkSocket(handle, protocol, MemoryMarshal.Read<uint>(address[4..]));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a new request in <see cref="Request"/>: <c>NLM_F_REQUEST | NLM_F_ACK</c> are added to
    /// <paramref name="flags"/>, so every request ends with an ACK, an error or (for dumps) NLMSG_DONE.
    /// </summary>
    public NetlinkMessageWriter BeginRequest(ushort type, ushort flags)
    {
        Request.BeginMessage(type, (ushort)(flags | NetlinkFlags.Request | NetlinkFlags.Ack));
        return Request;
    }

    /// <summary>
    /// Sends the request built since <see cref="BeginRequest"/> with the next sequence number. Its replies are
    /// read with <see cref="TryReceiveReply"/>; replies still unread from an earlier request are skipped then.
    /// </summary>
    public unsafe void Send()
    {
        uint sequence = unchecked(++_sequence);
        Request.EndMessage(sequence);
        ReadOnlySpan<byte> message = Request.Written;
        fixed (byte* bytes = message)
        {
            while (LibC.Send(_fd, bytes, (nuint)message.Length, 0) < 0)
            {
                Errno errno = LibC.LastErrno();
                if (errno != Errno.EINTR)
                {
                    throw new DevmemException(errno, $"send() of a {message.Length}-byte netlink request failed.");
                }
            }
        }

        _pendingSequence = sequence;
        _pending = true;
    }

    /// <summary>
    /// The next reply to the request last sent: true with a data message, or false once the kernel has ended
    /// its answer; then <paramref name="status"/> holds the ACK or NLMSG_DONE status (errno and extended ACK).
    /// Replies to earlier requests are skipped. Blocks until the kernel answers.
    /// </summary>
    /// <exception cref="DevmemException">A receive failed or the kernel's datagram is malformed.</exception>
    public bool TryReceiveReply(out NetlinkMessage reply, out NetlinkExtendedAck? status)
    {
        reply = default;
        status = null;
        if (!_pending)
        {
            throw new InvalidOperationException("no request is waiting for replies: Send first.");
        }

        while (true)
        {
            if (_consumed == _received)
            {
                ReceiveDatagram();
            }

            var reader = new NetlinkMessageReader(_receive.AsSpan(_consumed, _received - _consumed));
            if (!reader.TryRead(out NetlinkMessage message))
            {
                int at = _consumed + reader.Position;
                _consumed = _received;
                throw new DevmemException(Errno.EPROTO, $"malformed netlink message at byte {at} of a {_received}-byte datagram from the kernel.");
            }

            _consumed += reader.Position;
            if (message.Header.Sequence != _pendingSequence)
            {
                continue;
            }

            switch (message.Header.Type)
            {
                case NetlinkMessageType.Noop:
                    continue;
                case NetlinkMessageType.Overrun:
                    _pending = false;
                    throw new DevmemException(Errno.EIO, "the kernel reported NLMSG_OVERRUN: replies were lost; repeat the request.");
                case NetlinkMessageType.Error:
                case NetlinkMessageType.Done:
                    _pending = false;
                    status = NetlinkExtendedAck.Parse(message);
                    return false;
                default:
                    reply = message;
                    return true;
            }
        }
    }

    /// <summary>Closes the socket; for a socket that owns a dma-buf binding, that is the unbind.</summary>
    public void Dispose() => _fd.Dispose();

    private static unsafe void EnableOption(SafeHandle fd, int option, string name)
    {
        int on = 1;
        if (LibC.SetSockOpt(fd, NetlinkProtocol.SolNetlink, option, &on, sizeof(int)) != 0)
        {
            throw new DevmemException(LibC.LastErrno(), $"setsockopt(SOL_NETLINK, {name}) failed; kernels since 4.12 support it.");
        }
    }

    /// <summary>Reads one datagram whole: its size is peeked first (MSG_PEEK | MSG_TRUNC) so nothing is cut.</summary>
    private unsafe void ReceiveDatagram()
    {
        _consumed = 0;
        _received = 0;
        nint size = ReceiveInto(LibC.MSG_PEEK | LibC.MSG_TRUNC);
        if (size > _receive.Length)
        {
            _receive = new byte[size];
        }

        _received = (int)ReceiveInto(0);
        if (_received == 0)
        {
            throw new DevmemException(Errno.EPROTO, "the kernel sent an empty netlink datagram.");
        }
    }

    private unsafe nint ReceiveInto(int flags)
    {
        fixed (byte* buffer = _receive)
        {
            while (true)
            {
                nint received = LibC.Recv(_fd, buffer, (nuint)_receive.Length, flags);
                if (received >= 0)
                {
                    return received;
                }

                Errno errno = LibC.LastErrno();
                if (errno != Errno.EINTR)
                {
                    _pending = false;
                    throw new DevmemException(errno, errno == Errno.ENOBUFS
                        ? "ENOBUFS on the netlink socket: the kernel dropped replies because the receive buffer overflowed; repeat the request."
                        : "recv() on the netlink socket failed.");
                }
            }
        }
    }

    /// <summary>For messages: the socket and its port.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"netlink socket (protocol {Protocol}, port {PortId})");
}
