using Devmem.Stack.Link.Interop;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Link.Tap;

/// <summary>
/// An <see cref="ILink"/> over a Linux TAP device: the kernel's side of the device is an ordinary interface
/// (addresses, routes, its own TCP), ours is this file descriptor. With <c>IFF_VNET_HDR</c> every frame read or
/// written starts with a <c>struct virtio_net_hdr</c> (12 bytes here, <c>TUNSETVNETHDRSZ</c>); with the offloads
/// on, the kernel hands over GSO frames of up to 64 KiB, each one large TCP segment with a partial checksum.
/// </summary>
/// <remarks>
/// <para>Receive reads one frame per <c>readv(2)</c> (header into a stack buffer, frame straight into the batch
/// slot, or, for an engine's NIC, into the header buffer and page-pool chunks it posted: <see cref="IScatterLink"/>)
/// until the non-blocking descriptor answers EAGAIN; each frame keeps its header
/// (<see cref="FrameBatch.TryGetOffload"/>) so that the NIC trusts what the kernel vouched for. Transmit writes
/// each frame with <c>writev(2)</c>: a frame without offload metadata behind a header that asks for nothing (an
/// MTU-sized frame with its checksums complete, which tun_get_user() accepts as it is); a GSO frame of the
/// engine's (<see cref="IGsoLink"/>, with <see cref="Offloads"/> on) behind the header that makes the kernel
/// take it as one skb of several segments, its TCP checksum left partial as virtio_net_hdr_to_skb() requires.</para>
/// <para><see cref="WaitForFramesAsync"/> parks on a poll thread (<see cref="ReadableWaiter"/>): no spinning and
/// no allocation per wait. Data-path errors are counted, never thrown.</para>
/// <para>Open the link on a thread inside the network namespace the device should live in (see
/// <c>NetworkNamespace.Run</c>); the descriptor may then be used from any thread.</para>
/// </remarks>
public sealed unsafe class TapLink : IScatterLink, IReadyCallbackLink, IGsoLink, IDisposable
{
    /// <summary>The virtio-net header size this link selects (virtio 1.x: with num_buffers).</summary>
    public const int VnetHeaderSize = VirtioNetHeader.SizeWithNumBuffers;

    private readonly DescriptorHandle _fd;
    private readonly ReadableWaiter _waiter;
    private long _framesReceived;
    private long _gsoFramesReceived;
    private long _bytesReceived;
    private long _receiveErrors;
    private long _malformedHeaders;
    private long _framesTransmitted;
    private long _gsoFramesTransmitted;
    private long _transmitDrops;
    private bool _disposed;

    private TapLink(DescriptorHandle fd, string name, int ifindex, bool offloads)
    {
        _fd = fd;
        Name = name;
        Ifindex = ifindex;
        Offloads = offloads;
        _waiter = new ReadableWaiter(fd, $"tap {name}");
    }

    /// <summary>The device's name (the kernel's choice when none was given).</summary>
    public string Name { get; }

    /// <summary>The device's ifindex in the namespace it was opened in.</summary>
    public int Ifindex { get; }

    /// <summary>Whether checksum and segmentation offloads are on: GSO frames arrive.</summary>
    public bool Offloads { get; }

    /// <inheritdoc/>
    public int MaxFrameLength => GsoFrame.MaxLength;

    /// <summary>With <see cref="Offloads"/> on, the engine may hand over GSO frames, which the kernel takes whole.</summary>
    public bool TransmitsGso => Offloads;

    // The TAP copies each frame into the kernel as it transmits, so its sender lends the large buffers itself, and
    // what it receives arrives in buffers the engine's NIC posted.
    GsoBufferPool? IGsoLink.TransmitGsoBuffers => null;

    GsoBufferPool? IGsoLink.ReceiveGsoBuffers => null;

    /// <summary>
    /// Whether a wait saw the descriptor fail (POLLERR: the device was deleted under the link). The link then
    /// never wakes its receiver again; it neither spins nor throws.
    /// </summary>
    public bool IsDetached => _waiter.Failed;

    /// <summary>Frames read.</summary>
    public long FramesReceived => Volatile.Read(ref _framesReceived);

    /// <summary>Frames read whose header asked for segmentation (TSO4 or TSO6): several wire segments in one.</summary>
    public long GsoFramesReceived => Volatile.Read(ref _gsoFramesReceived);

    /// <summary>Frame bytes read, headers included, virtio-net headers excluded.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Reads that failed with an error other than EAGAIN (the device went away, for one).</summary>
    public long ReceiveErrors => Volatile.Read(ref _receiveErrors);

    /// <summary>Frames dropped because their virtio-net header was short or named an unknown GSO type.</summary>
    public long MalformedHeaders => Volatile.Read(ref _malformedHeaders);

    /// <summary>Frames written.</summary>
    public long FramesTransmitted => Volatile.Read(ref _framesTransmitted);

    /// <summary>Of those, GSO frames: several wire segments each, segmented (or not) by the kernel.</summary>
    public long GsoFramesTransmitted => Volatile.Read(ref _gsoFramesTransmitted);

    /// <summary>Frames the kernel refused (EIO while the device is down, EAGAIN under memory pressure).</summary>
    public long TransmitDrops => Volatile.Read(ref _transmitDrops);

    /// <summary>
    /// Opens the TAP named in <paramref name="options"/> (creating it when missing) in the calling thread's
    /// network namespace, with the virtio-net header and the offloads set.
    /// </summary>
    /// <exception cref="DevmemException">
    /// EPERM: no CAP_NET_ADMIN; EINVAL: the name belongs to a device that is not a TAP; ENODEV: it must exist and
    /// does not; EBUSY: another file holds the TAP.
    /// </exception>
    public static TapLink Open(TapLinkOptions? options = null)
    {
        options ??= new TapLinkOptions();
        DescriptorHandle fd = TapDevice.Attach(options, VnetHeaderSize, out string name);
        try
        {
            return new TapLink(fd, name, (int)LinkSyscalls.InterfaceIndex(name), options.Offloads);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Transmit(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte* header = stackalloc byte[VnetHeaderSize];
        var headerSpan = new Span<byte>(header, VnetHeaderSize);
        var vectors = stackalloc IoVector[2];
        vectors[0].Base = header;
        vectors[0].Length = VnetHeaderSize;
        for (int i = 0; i < frames.Count; i++)
        {
            // A frame that arrived with offload metadata (a relay) keeps it; the engine's GSO frames are made partial
            // (below); its other frames ask for nothing.
            VirtioNetHeader offload = frames.TryGetOffload(i, out VirtioNetHeader carried) ? carried : default;
            Span<byte> frame = frames.GetFrame(i);
            if (offload.IsGso && (offload.Flags & VirtioNetFlags.NeedsChecksum) == 0)
            {
                offload = LeaveChecksumPartial(frame, offload);
            }

            offload.Emit(headerSpan, VnetHeaderSize);
            fixed (byte* bytes = frame)
            {
                vectors[1].Base = bytes;
                vectors[1].Length = (nuint)frame.Length;
                if (LinkSyscalls.Writev(_fd, vectors, 2) < 0)
                {
                    _transmitDrops++;
                    continue;
                }
            }

            _framesTransmitted++;
            if (offload.IsGso)
            {
                _gsoFramesTransmitted++;
            }
        }
    }

    // virtio_net_hdr_to_skb() takes a TCP GSO frame only as CHECKSUM_PARTIAL, with csum_offset at the TCP checksum:
    // the field gets the pseudo-header's folded sum (the kernel completes it if it ever segments the frame), and a
    // frame carrying CWR gets the ECN bit, so that segmentation keeps CWR on the first segment only.
    private static VirtioNetHeader LeaveChecksumPartial(Span<byte> frame, in VirtioNetHeader offload)
    {
        Span<byte> tcp = frame[offload.ChecksumStart..];
        TcpChecksum.FillPartial(tcp, TcpChecksum.PseudoHeaderSum(frame[new EthernetView(frame).Length..], tcp.Length));
        bool cwr = (new TcpSegmentView(tcp).Flags & TcpFlags.Cwr) != 0;
        return offload with
        {
            Flags = VirtioNetFlags.NeedsChecksum,
            GsoType = cwr ? offload.GsoType | VirtioNetGsoType.Ecn : offload.GsoType,
            ChecksumOffset = VirtioNetHeader.TcpChecksumOffset,
        };
    }

    /// <inheritdoc/>
    public int Receive(FrameBatch frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (frames.MaxFrameLength < MaxFrameLength)
        {
            throw new ArgumentException(
                $"The batch's {frames.MaxFrameLength}-byte slots cannot hold this TAP's {MaxFrameLength}-byte GSO frames.", nameof(frames));
        }

        byte* header = stackalloc byte[VnetHeaderSize];
        var vectors = stackalloc IoVector[2];
        vectors[0].Base = header;
        vectors[0].Length = VnetHeaderSize;
        int added = 0;
        while (!frames.IsFull)
        {
            Span<byte> slot = frames.Reserve();
            nint read;
            fixed (byte* bytes = slot)
            {
                vectors[1].Base = bytes;
                vectors[1].Length = (nuint)slot.Length;
                read = LinkSyscalls.Readv(_fd, vectors, 2);
            }

            if (read < 0)
            {
                CountReadFailure();
                break;
            }

            if (TryAccept(header, read, out int length, out VirtioNetHeader offload))
            {
                frames.Commit(length, offload);
                added++;
            }
        }
        return added;
    }

    /// <summary>
    /// Reads each frame with one <c>readv(2)</c> into the virtio-net header and the buffers
    /// <paramref name="receiver"/> posted: the kernel writes the payload where the NIC wants it, once.
    /// </summary>
    int IScatterLink.Receive(IScatterReceiver receiver, int maxFrames)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte* header = stackalloc byte[VnetHeaderSize];
        int capacity = receiver.MaxVectors + 1;
        IoVector* vectors = stackalloc IoVector[capacity];
        vectors[0].Base = header;
        vectors[0].Length = VnetHeaderSize;
        int added = 0;
        while (added < maxFrames)
        {
            int count = receiver.Post(new Span<IoVector>(vectors + 1, capacity - 1));
            nint read = LinkSyscalls.Readv(_fd, vectors, count + 1);
            if (read < 0)
            {
                CountReadFailure();
                break;
            }

            if (TryAccept(header, read, out int length, out VirtioNetHeader offload))
            {
                receiver.Complete(length, offload);
                added++;
            }
        }
        return added;
    }

    // EAGAIN: drained. Anything else (EBADFD once the device is deleted) ends this turn as well.
    private void CountReadFailure()
    {
        if (LinkSyscalls.LastErrno() != Errno.EAGAIN)
        {
            _receiveErrors++;
        }
    }

    // A read of `read` bytes behind the virtio-net header at `header`: counted, and its frame length and header
    // returned, unless the header is short or names an unknown GSO type.
    private bool TryAccept(byte* header, nint read, out int length, out VirtioNetHeader offload)
    {
        length = (int)read - VnetHeaderSize;
        if (read < VnetHeaderSize
            || !VirtioNetHeader.TryParse(new ReadOnlySpan<byte>(header, VnetHeaderSize), VnetHeaderSize, out offload, out _))
        {
            offload = default;
            _malformedHeaders++;
            return false;
        }

        _framesReceived++;
        _bytesReceived += length;
        if (offload.IsGso)
        {
            _gsoFramesReceived++;
        }

        return true;
    }

    /// <inheritdoc/>
    public ValueTask WaitForFramesAsync(CancellationToken cancellationToken = default) => _waiter.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    bool IReadyCallbackLink.TryArmReadyCallback(Action onFrames) => _waiter.TryArmCallback(onFrames);

    /// <inheritdoc/>
    bool IReadyCallbackLink.DisarmReadyCallback() => _waiter.DisarmCallback();

    /// <summary>Stops the poll thread and closes the descriptor; a device this link created disappears with it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _waiter.Dispose();
        _fd.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"TAP {Name} (ifindex {Ifindex}{(Offloads ? ", TSO" : string.Empty)})";
}
