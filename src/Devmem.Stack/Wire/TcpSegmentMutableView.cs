using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, writable view of a TCP segment (RFC 9293 §3.1): the getters of <see cref="TcpSegmentView"/>
/// plus setters that write big-endian fields in place, and <see cref="FillChecksum"/>.
/// </summary>
/// <remarks>
/// No checks are made (setters on a buffer shorter than the field throw rather than write past it);
/// use <see cref="TcpSegmentView.Check"/> on received data, or size the buffer from <see cref="TcpHeader.HeaderLength"/>.
/// </remarks>
public readonly ref struct TcpSegmentMutableView
{
    private readonly Span<byte> _buffer;

    /// <summary>Wraps <paramref name="segment"/> without validating it.</summary>
    public TcpSegmentMutableView(Span<byte> segment) => _buffer = segment;

    /// <summary>The read-only view of the same bytes.</summary>
    public TcpSegmentView AsReadOnly() => new(_buffer);

    /// <summary>The read-only view of the same bytes.</summary>
    public static implicit operator TcpSegmentView(TcpSegmentMutableView view) => view.AsReadOnly();

    /// <summary>The whole segment.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Source port.</summary>
    public ushort SourcePort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer, value);
    }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(2));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(2), value);
    }

    /// <summary>Sequence number.</summary>
    public uint SequenceNumber
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(4));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(4), value);
    }

    /// <summary>Acknowledgment number.</summary>
    public uint AcknowledgmentNumber
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(8));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(8), value);
    }

    /// <summary>Header length in bytes (a multiple of 4, 20..60); setting it keeps the reserved and AE bits.</summary>
    public int HeaderLength
    {
        get => (_buffer[12] >> 4) * 4;
        set => _buffer[12] = (byte)(((value >> 2) << 4) | (_buffer[12] & 0x0F));
    }

    /// <summary>Control bits (AE goes to the low bit of byte 12; the reserved bits are cleared).</summary>
    public TcpFlags Flags
    {
        get => (TcpFlags)(((_buffer[12] & 1) << 8) | _buffer[13]);
        set
        {
            _buffer[12] = (byte)((_buffer[12] & 0xF0) | (((int)value >> 8) & 1));
            _buffer[13] = (byte)value;
        }
    }

    /// <summary>Receive window (unscaled).</summary>
    public ushort Window
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(14));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(14), value);
    }

    /// <summary>Checksum field.</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(TcpSegmentView.ChecksumOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(TcpSegmentView.ChecksumOffset), value);
    }

    /// <summary>Urgent pointer.</summary>
    public ushort UrgentPointer
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(18));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(18), value);
    }

    /// <summary>Raw option bytes, writable.</summary>
    public Span<byte> Options => _buffer.Slice(TcpSegmentView.MinHeaderLength, HeaderLength - TcpSegmentView.MinHeaderLength);

    /// <summary>The payload, writable.</summary>
    public Span<byte> Payload => _buffer.Slice(HeaderLength);

    /// <summary>Computes the checksum over the pseudo-header partial sum and the whole segment, and stores it.</summary>
    public void FillChecksum(uint pseudoHeaderSum) => TcpChecksum.Fill(_buffer, pseudoHeaderSum);
}
