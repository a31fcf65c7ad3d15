using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, writable view of <c>struct virtio_net_hdr</c> / <c>virtio_net_hdr_mrg_rxbuf</c>
/// (virtio 1.x §5.1.6), little-endian; see <see cref="VirtioNetHeaderView"/> for byte order and sizes.
/// </summary>
public readonly ref struct VirtioNetHeaderMutableView
{
    private readonly Span<byte> _buffer;

    /// <summary>Wraps the first header bytes of <paramref name="buffer"/> without validating its length.</summary>
    public VirtioNetHeaderMutableView(Span<byte> buffer) => _buffer = buffer;

    /// <summary>The read-only view of the same bytes.</summary>
    public VirtioNetHeaderView AsReadOnly() => new(_buffer);

    /// <summary>The read-only view of the same bytes.</summary>
    public static implicit operator VirtioNetHeaderView(VirtioNetHeaderMutableView view) => view.AsReadOnly();

    /// <summary>The underlying bytes.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>flags (byte 0).</summary>
    public VirtioNetFlags Flags
    {
        get => (VirtioNetFlags)_buffer[0];
        set => _buffer[0] = (byte)value;
    }

    /// <summary>gso_type (byte 1).</summary>
    public VirtioNetGsoType GsoType
    {
        get => (VirtioNetGsoType)_buffer[1];
        set => _buffer[1] = (byte)value;
    }

    /// <summary>hdr_len (bytes 2-3): length of the headers to copy into each segment.</summary>
    public ushort HeaderLength
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(2));
        set => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(2), value);
    }

    /// <summary>gso_size (bytes 4-5): payload bytes per segment (the MSS for TCP).</summary>
    public ushort GsoSize
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(4));
        set => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(4), value);
    }

    /// <summary>csum_start (bytes 6-7): offset in the frame where checksumming starts.</summary>
    public ushort ChecksumStart
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(6));
        set => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(6), value);
    }

    /// <summary>csum_offset (bytes 8-9): where, after csum_start, the checksum is stored (16 for TCP, 6 for UDP).</summary>
    public ushort ChecksumOffset
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(8));
        set => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(8), value);
    }

    /// <summary>num_buffers (bytes 10-11), present only in the 12-byte header.</summary>
    public ushort NumBuffers
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(10));
        set => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(10), value);
    }
}
