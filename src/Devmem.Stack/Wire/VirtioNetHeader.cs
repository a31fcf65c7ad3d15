namespace Devmem.Stack.Wire;

/// <summary>
/// A parsed <c>struct virtio_net_hdr</c> (virtio 1.x §5.1.6): the offload metadata that travels with each
/// frame over a TAP device with <c>IFF_VNET_HDR</c>. Little-endian on the wire (see <see cref="VirtioNetHeaderView"/>).
/// </summary>
public readonly record struct VirtioNetHeader
{
    /// <summary>Size of <c>struct virtio_net_hdr</c>.</summary>
    public const int Size = 10;

    /// <summary>Size of <c>struct virtio_net_hdr_mrg_rxbuf</c> (with num_buffers), selected by <c>TUNSETVNETHDRSZ</c> = 12.</summary>
    public const int SizeWithNumBuffers = 12;

    /// <summary>csum_offset for TCP: the checksum field's offset in the TCP header.</summary>
    public const ushort TcpChecksumOffset = 16;

    /// <summary>flags.</summary>
    public VirtioNetFlags Flags { get; init; }

    /// <summary>gso_type, including the <see cref="VirtioNetGsoType.Ecn"/> bit.</summary>
    public VirtioNetGsoType GsoType { get; init; }

    /// <summary>hdr_len: bytes of Ethernet + IP + TCP headers (a hint for the device).</summary>
    public ushort HeaderLength { get; init; }

    /// <summary>gso_size: payload bytes per segment.</summary>
    public ushort GsoSize { get; init; }

    /// <summary>csum_start: frame offset where checksumming starts.</summary>
    public ushort ChecksumStart { get; init; }

    /// <summary>csum_offset: checksum position relative to csum_start.</summary>
    public ushort ChecksumOffset { get; init; }

    /// <summary>num_buffers (12-byte header only; 0 otherwise).</summary>
    public ushort NumBuffers { get; init; }

    /// <summary>The segmentation type without the ECN bit.</summary>
    public VirtioNetGsoType GsoKind => GsoType & ~VirtioNetGsoType.Ecn;

    /// <summary>True when <see cref="GsoType"/> asks for segmentation.</summary>
    public bool IsGso => GsoKind != VirtioNetGsoType.None;

    /// <summary>
    /// A header for a TCP frame whose checksum the device completes (NEEDS_CSUM) and, when
    /// <paramref name="gsoSize"/> is nonzero, segments into <paramref name="gsoSize"/>-byte payloads.
    /// </summary>
    /// <param name="ipv6">TCPv6 instead of TCPv4 segmentation.</param>
    /// <param name="transportOffset">Frame offset of the TCP header (csum_start).</param>
    /// <param name="headersLength">Bytes of all headers up to the payload (hdr_len).</param>
    /// <param name="gsoSize">Payload bytes per segment, 0 for no segmentation.</param>
    public static VirtioNetHeader ForTcp(bool ipv6, ushort transportOffset, ushort headersLength, ushort gsoSize) => new()
    {
        Flags = VirtioNetFlags.NeedsChecksum,
        GsoType = gsoSize == 0 ? VirtioNetGsoType.None : ipv6 ? VirtioNetGsoType.TcpV6 : VirtioNetGsoType.TcpV4,
        HeaderLength = headersLength,
        GsoSize = gsoSize,
        ChecksumStart = transportOffset,
        ChecksumOffset = TcpChecksumOffset,
    };

    /// <summary>Parses a 10-byte header.</summary>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out VirtioNetHeader header, out WireParseError error) =>
        TryParse(buffer, Size, out header, out error);

    /// <summary>
    /// Parses a header of <paramref name="headerSize"/> bytes (10 or 12). Fails with
    /// <see cref="WireParseError.Truncated"/> on a short buffer and <see cref="WireParseError.Malformed"/> on an
    /// unknown gso_type or a GSO type with gso_size 0 (both refused by Linux's <c>virtio_net_hdr_to_skb</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="headerSize"/> is neither 10 nor 12.</exception>
    public static bool TryParse(ReadOnlySpan<byte> buffer, int headerSize, out VirtioNetHeader header, out WireParseError error)
    {
        CheckSize(headerSize);
        header = default;
        if (buffer.Length < headerSize)
        {
            error = WireParseError.Truncated;
            return false;
        }
        var view = new VirtioNetHeaderView(buffer);
        VirtioNetGsoType gso = view.GsoType;
        VirtioNetGsoType kind = gso & ~VirtioNetGsoType.Ecn;
        bool knownKind = kind is VirtioNetGsoType.None or VirtioNetGsoType.TcpV4 or VirtioNetGsoType.Udp
            or VirtioNetGsoType.TcpV6 or VirtioNetGsoType.UdpL4;
        if (!knownKind || (kind != VirtioNetGsoType.None && view.GsoSize == 0))
        {
            error = WireParseError.Malformed;
            return false;
        }
        header = new VirtioNetHeader
        {
            Flags = view.Flags,
            GsoType = gso,
            HeaderLength = view.HeaderLength,
            GsoSize = view.GsoSize,
            ChecksumStart = view.ChecksumStart,
            ChecksumOffset = view.ChecksumOffset,
            NumBuffers = headerSize == SizeWithNumBuffers ? view.NumBuffers : (ushort)0,
        };
        error = WireParseError.None;
        return true;
    }

    /// <summary>Writes the header in <paramref name="headerSize"/> bytes (10 or 12); false when the destination is shorter.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="headerSize"/> is neither 10 nor 12.</exception>
    public bool TryEmit(Span<byte> destination, int headerSize, out int written)
    {
        CheckSize(headerSize);
        if (destination.Length < headerSize)
        {
            written = 0;
            return false;
        }
        var view = new VirtioNetHeaderMutableView(destination)
        {
            Flags = Flags,
            GsoType = GsoType,
            HeaderLength = HeaderLength,
            GsoSize = GsoSize,
            ChecksumStart = ChecksumStart,
            ChecksumOffset = ChecksumOffset,
        };
        if (headerSize == SizeWithNumBuffers)
        {
            view.NumBuffers = NumBuffers;
        }
        written = headerSize;
        return true;
    }

    /// <summary>Writes the header in <paramref name="headerSize"/> bytes (10 or 12) and returns that size.</summary>
    /// <exception cref="ArgumentException">The destination is too short or the size is neither 10 nor 12.</exception>
    public int Emit(Span<byte> destination, int headerSize = Size)
    {
        if (!TryEmit(destination, headerSize, out int written))
        {
            throw new ArgumentException("Destination too short for the virtio-net header.", nameof(destination));
        }
        return written;
    }

    private static void CheckSize(int headerSize)
    {
        if (headerSize is not (Size or SizeWithNumBuffers))
        {
            throw new ArgumentOutOfRangeException(nameof(headerSize), headerSize, "virtio-net header size must be 10 or 12.");
        }
    }
}
