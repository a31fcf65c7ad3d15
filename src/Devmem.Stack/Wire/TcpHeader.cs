using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Devmem.Stack.Wire;

/// <summary>
/// A parsed TCP header (RFC 9293 §3.1) with its options: the small value the TCP core consumes and
/// produces (smoltcp's <c>TcpRepr</c>). The checksum is not part of it: it belongs to the bytes and the
/// pseudo-header, see <see cref="TcpChecksum"/>; <see cref="Emit"/> writes it as zero.
/// </summary>
public readonly record struct TcpHeader
{
    /// <summary>Source port.</summary>
    public ushort SourcePort { get; init; }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get; init; }

    /// <summary>Sequence number.</summary>
    public uint SequenceNumber { get; init; }

    /// <summary>Acknowledgment number (meaningful with <see cref="TcpFlags.Ack"/>).</summary>
    public uint AcknowledgmentNumber { get; init; }

    /// <summary>Control bits.</summary>
    public TcpFlags Flags { get; init; }

    /// <summary>Receive window, unscaled as on the wire.</summary>
    public ushort Window { get; init; }

    /// <summary>Urgent pointer (meaningful with <see cref="TcpFlags.Urg"/>).</summary>
    public ushort UrgentPointer { get; init; }

    // An explicit field so members read the 70-byte options in place instead of copying them.
    private readonly TcpOptions _options;

    /// <summary>Options carried in the header.</summary>
    public TcpOptions Options { get => _options; init => _options = value; }

    /// <summary>Bytes <see cref="Emit"/> writes: 20 plus the options' encoded length (at most 60).</summary>
    public int HeaderLength => TcpSegmentView.MinHeaderLength + _options.EncodedLength;

    /// <summary>
    /// Parses the header of <paramref name="segment"/>: fixed fields, data offset (RFC 9293 §3.1) and options
    /// (RFC 9293 §3.2, see <see cref="TcpOptions.TryParse"/>). Does not verify the checksum.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> segment, out TcpHeader header, out WireParseError error) =>
        TryParse(segment, out header, out _, out error);

    /// <summary>As <see cref="TryParse(ReadOnlySpan{byte}, out TcpHeader, out WireParseError)"/>, also giving the
    /// header length on the wire (data offset * 4), where the payload starts.</summary>
    public static bool TryParse(ReadOnlySpan<byte> segment, out TcpHeader header, out int headerLength, out WireParseError error)
    {
        if (!TcpSegmentView.TryCreate(segment, out TcpSegmentView view, out error)
            || !TcpOptions.TryParse(view.Options, out TcpOptions options, out error))
        {
            header = default;
            headerLength = 0;
            return false;
        }
        headerLength = view.HeaderLength;
        header = new TcpHeader
        {
            SourcePort = view.SourcePort,
            DestinationPort = view.DestinationPort,
            SequenceNumber = view.SequenceNumber,
            AcknowledgmentNumber = view.AcknowledgmentNumber,
            Flags = view.Flags,
            Window = view.Window,
            UrgentPointer = view.UrgentPointer,
            Options = options,
        };
        return true;
    }

    /// <summary>
    /// Writes the header and options to the start of <paramref name="destination"/> with a zero checksum
    /// (fill it with <see cref="TcpChecksum.Fill"/> once the payload is in place). False when the destination
    /// is shorter than <see cref="HeaderLength"/>.
    /// </summary>
    public bool TryEmit(Span<byte> destination, out int written)
    {
        int sack = _options.EmittedSackBlockCount;
        int length = HeaderLength;
        if (destination.Length < length)
        {
            written = 0;
            return false;
        }
        ref byte d = ref MemoryMarshal.GetReference(destination);
        TcpBigEndian.Write16(ref d, 0, SourcePort);
        TcpBigEndian.Write16(ref d, 2, DestinationPort);
        TcpBigEndian.Write32(ref d, 4, SequenceNumber);
        TcpBigEndian.Write32(ref d, 8, AcknowledgmentNumber);
        // Data offset (4 bits), reserved (3 bits, zero), AE, then the eight control bits.
        TcpBigEndian.Write16(ref d, 12, (ushort)(((length >> 2) << 12) | ((int)Flags & 0x1FF)));
        TcpBigEndian.Write16(ref d, 14, Window);
        TcpBigEndian.Write16(ref d, 16, 0);
        TcpBigEndian.Write16(ref d, 18, UrgentPointer);
        _options.WriteUnchecked(ref Unsafe.Add(ref d, TcpSegmentView.MinHeaderLength), sack);
        written = length;
        return true;
    }

    /// <summary>
    /// The header of one piece of a GSO segment this header heads (Linux <c>tcp_gso_segment</c>): the piece at
    /// <paramref name="offset"/> of <paramref name="totalLength"/> payload bytes, <paramref name="pieceLength"/>
    /// long, gets the sequence number of its first byte; CWR stays on the first piece, PSH and FIN on the last.
    /// </summary>
    public TcpHeader GsoPiece(int offset, int pieceLength, int totalLength)
    {
        TcpFlags flags = Flags;
        if (offset > 0)
        {
            flags &= ~TcpFlags.Cwr;
        }

        if (offset + pieceLength < totalLength)
        {
            flags &= ~(TcpFlags.Psh | TcpFlags.Fin);
        }

        return this with { SequenceNumber = unchecked(SequenceNumber + (uint)offset), Flags = flags };
    }

    /// <summary>Writes the header (see <see cref="TryEmit"/>) and returns <see cref="HeaderLength"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="HeaderLength"/>.</exception>
    public int Emit(Span<byte> destination)
    {
        if (!TryEmit(destination, out int written))
        {
            throw new ArgumentException("Destination too short for the TCP header.", nameof(destination));
        }
        return written;
    }
}
