using Devmem.Stack.Link.Interop;
using Devmem.Uapi;

namespace Devmem.Stack.Link.Packet;

/// <summary>
/// An <see cref="ILink"/> over an <c>AF_PACKET</c> socket bound to one interface (a veth end with no kernel
/// address, typically), with TPACKET_V3 rings mapped into this process (packet_mmap.rst): frames arrive in
/// blocks the kernel retires when full or after <see cref="AfPacketLinkOptions.RxBlockTimeoutMilliseconds"/>,
/// and leave through TX ring slots flushed with one <c>send()</c> per batch. No system call per received frame.
/// </summary>
/// <remarks>
/// <para>The interface keeps its kernel stack: frames for our MAC reach it as PACKET_OTHERHOST and it drops
/// them; what we send is not looped back to us (PACKET_IGNORE_OUTGOING). A veth with TSO passes the kernel's
/// 64 KiB GSO skbs through unsegmented, so RX blocks are sized to hold one, and their partial checksum
/// (TP_STATUS_CSUMNOTREADY) travels to the NIC as a virtio-net NEEDS_CSUM header.</para>
/// <para>Open it on a thread inside the interface's network namespace; then use it from any thread.</para>
/// </remarks>
public sealed unsafe class AfPacketLink : IReadyCallbackLink, IDisposable
{
    private const int TxBlockSize = 4096;

    private readonly DescriptorHandle _fd;
    private readonly MappedRegion _rings;
    private readonly RxBlockReader _rx;
    private readonly TxSlotWriter _tx;
    private readonly ReadableWaiter _waiter;
    private long _framesReceived;
    private long _framesTransmitted;
    private long _transmitDrops;
    private long _sendErrors;
    private bool _disposed;

    private AfPacketLink(string name, int ifindex, DescriptorHandle fd, MappedRegion rings, RxBlockReader rx, TxSlotWriter tx)
    {
        Name = name;
        Ifindex = ifindex;
        _fd = fd;
        _rings = rings;
        _rx = rx;
        _tx = tx;
        _waiter = new ReadableWaiter(fd, $"af_packet {name}");
    }

    /// <summary>The interface the socket is bound to.</summary>
    public string Name { get; }

    /// <summary>Its ifindex in the namespace the link was opened in.</summary>
    public int Ifindex { get; }

    /// <inheritdoc/>
    public int MaxFrameLength => GsoFrame.MaxLength;

    /// <summary>Frames received.</summary>
    public long FramesReceived => Volatile.Read(ref _framesReceived);

    /// <summary>Frames dropped on receive because the block could not hold them whole.</summary>
    public long TruncatedFrames => _rx.Truncated;

    /// <summary>Frames queued for transmission.</summary>
    public long FramesTransmitted => Volatile.Read(ref _framesTransmitted);

    /// <summary>Frames not sent: longer than a TX slot, or the TX ring was full.</summary>
    public long TransmitDrops => Volatile.Read(ref _transmitDrops);

    /// <summary>Frames the kernel refused from the ring, and send() calls that failed.</summary>
    public long TransmitErrors => Volatile.Read(ref _sendErrors) + _tx.Refused;

    /// <summary>Opens a packet socket on <paramref name="interfaceName"/> in the calling thread's namespace, with both rings.</summary>
    /// <exception cref="DevmemException">
    /// EPERM: no CAP_NET_RAW; ENODEV: no such interface; others from the ring set-up, each naming the step.
    /// </exception>
    public static AfPacketLink Open(string interfaceName, AfPacketLinkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        options ??= new AfPacketLinkOptions();
        options.Validate();
        int ifindex = (int)LinkSyscalls.InterfaceIndex(interfaceName);
        if (ifindex == 0)
        {
            throw new DevmemException(Errno.ENODEV, $"no interface named '{interfaceName}' in this network namespace");
        }

        // Protocol 0 until bind: no frame is queued before the rings exist (packet(7)).
        int socket = LinkSyscalls.Socket(LinkSyscalls.AF_PACKET, LinkSyscalls.SOCK_RAW | LinkSyscalls.SOCK_NONBLOCK | LinkSyscalls.SOCK_CLOEXEC, 0);
        if (socket < 0)
        {
            Errno errno = LinkSyscalls.LastErrno();
            throw new DevmemException(errno, errno is Errno.EPERM or Errno.EACCES
                ? "socket(AF_PACKET) needs CAP_NET_RAW: run as root, or try `devmem demo`"
                : "socket(AF_PACKET, SOCK_RAW) failed");
        }

        var fd = new DescriptorHandle(socket);
        MappedRegion? rings = null;
        try
        {
            SetOption(fd, PacketConstants.PACKET_VERSION, PacketConstants.TPACKET_V3, "PACKET_VERSION TPACKET_V3");
            SetOption(fd, PacketConstants.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            int rxBytes = checked(options.RxBlockSize * options.RxBlockCount);
            SetRing(fd, PacketConstants.PACKET_RX_RING, options.RxBlockSize, options.RxBlockCount, frameSize: 2048,
                checked(rxBytes / 2048), options.RxBlockTimeoutMilliseconds);
            int framesPerTxBlock = TxBlockSize / options.TxFrameSize;
            int txBlocks = (options.TxFrameCount + framesPerTxBlock - 1) / framesPerTxBlock;

            // A V3 TX ring is fixed slots: the kernel refuses a block timeout or private area on it.
            SetRing(fd, PacketConstants.PACKET_TX_RING, TxBlockSize, txBlocks, options.TxFrameSize, txBlocks * framesPerTxBlock, blockTimeout: 0);
            rings = Map(fd, (nuint)rxBytes + (nuint)(txBlocks * TxBlockSize));
            Bind(fd, ifindex, interfaceName);
            var rx = new RxBlockReader(rings.Address, options.RxBlockSize, options.RxBlockCount);
            var tx = new TxSlotWriter(rings.Address + rxBytes, TxBlockSize, options.TxFrameSize, txBlocks * framesPerTxBlock);
            return new AfPacketLink(interfaceName, ifindex, fd, rings, rx, tx);
        }
        catch
        {
            rings?.Dispose();
            fd.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Transmit(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int queued = 0;
        bool mapped = false;
        _rings.DangerousAddRef(ref mapped);
        try
        {
            for (int i = 0; i < frames.Count; i++)
            {
                ReadOnlySpan<byte> frame = frames[i];
                if (frame.Length > _tx.MaxFrameLength || !_tx.TryQueue(frame))
                {
                    _transmitDrops++;
                    continue;
                }
                queued++;
            }
        }
        finally
        {
            _rings.DangerousRelease();
        }

        if (queued == 0)
        {
            return;
        }

        // tpacket_snd(): with MSG_DONTWAIT it sends every SEND_REQUEST slot and returns without waiting for
        // the skbs to be freed.
        if (LinkSyscalls.SendTo(_fd, null, 0, LinkSyscalls.MSG_DONTWAIT, null, 0) < 0)
        {
            _sendErrors++;
        }
        _framesTransmitted += queued;
    }

    /// <inheritdoc/>
    public int Receive(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (frames.MaxFrameLength < MaxFrameLength)
        {
            throw new ArgumentException(
                $"The batch's {frames.MaxFrameLength}-byte slots cannot hold this link's {MaxFrameLength}-byte GSO frames.", nameof(frames));
        }

        // The rings stay mapped while this thread is in them, even if another thread disposes the link meanwhile.
        bool mapped = false;
        _rings.DangerousAddRef(ref mapped);
        try
        {
            int added = _rx.Read(frames);
            _framesReceived += added;
            return added;
        }
        finally
        {
            _rings.DangerousRelease();
        }
    }

    /// <inheritdoc/>
    public ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default) => _waiter.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    bool IReadyCallbackLink.TryArmReadyCallback(Action onFrames) => _waiter.TryArmCallback(onFrames);

    /// <inheritdoc/>
    bool IReadyCallbackLink.DisarmReadyCallback() => _waiter.DisarmCallback();

    /// <summary>Stops the poll thread, unmaps the rings and closes the socket.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _waiter.Dispose();
        _rings.Dispose();
        _fd.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"AF_PACKET on {Name} (ifindex {Ifindex})";

    private static void SetOption(DescriptorHandle fd, int name, int value, string what)
    {
        if (LinkSyscalls.SetSocketOption(fd, PacketConstants.SOL_PACKET, name, &value, sizeof(int)) != 0)
        {
            throw new DevmemException(LinkSyscalls.LastErrno(), $"setsockopt(SOL_PACKET, {what}) failed");
        }
    }

    // struct tpacket_req3.
    private static void SetRing(DescriptorHandle fd, int name, int blockSize, int blockCount, int frameSize, int frameCount, int blockTimeout)
    {
        uint* request = stackalloc uint[7] { (uint)blockSize, (uint)blockCount, (uint)frameSize, (uint)frameCount, (uint)blockTimeout, 0, 0 };
        if (LinkSyscalls.SetSocketOption(fd, PacketConstants.SOL_PACKET, name, request, PacketConstants.Req3Length) != 0)
        {
            string ring = name == PacketConstants.PACKET_RX_RING ? "PACKET_RX_RING" : "PACKET_TX_RING";
            throw new DevmemException(LinkSyscalls.LastErrno(),
                $"setsockopt(SOL_PACKET, {ring}: {blockCount} blocks of {blockSize} bytes, {frameCount} frames of {frameSize}) failed");
        }
    }

    // packet_mmap.rst: one mapping holds the RX ring, then the TX ring.
    private static MappedRegion Map(DescriptorHandle fd, nuint length)
    {
        nint address = LinkSyscalls.Mmap(0, length, LinkSyscalls.PROT_READ | LinkSyscalls.PROT_WRITE, LinkSyscalls.MAP_SHARED, fd, 0);
        if (address == -1)
        {
            throw new DevmemException(LinkSyscalls.LastErrno(), $"mmap of the packet rings ({length} bytes) failed");
        }
        return new MappedRegion(address, length);
    }

    // struct sockaddr_ll: family, protocol (network order), ifindex; the rest zero.
    private static void Bind(DescriptorHandle fd, int ifindex, string name)
    {
        byte* address = stackalloc byte[PacketConstants.SockaddrLlLength];
        new Span<byte>(address, PacketConstants.SockaddrLlLength).Clear();
        *(ushort*)address = LinkSyscalls.AF_PACKET;
        *(ushort*)(address + 2) = PacketConstants.EthPAllNetworkOrder;
        *(int*)(address + 4) = ifindex;
        if (LinkSyscalls.Bind(fd, address, PacketConstants.SockaddrLlLength) != 0)
        {
            throw new DevmemException(LinkSyscalls.LastErrno(), $"bind(AF_PACKET, ETH_P_ALL, {name}) failed");
        }
    }
}
