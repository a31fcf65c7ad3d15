using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, read-only view of <c>struct virtio_net_hdr</c> (10 bytes) or <c>virtio_net_hdr_mrg_rxbuf</c>
/// (12 bytes, with num_buffers), the header a TAP device opened with <c>IFF_VNET_HDR</c> puts before each
/// frame (virtio 1.x §5.1.6). Fields are read and written little-endian.
/// </summary>
/// <remarks>
/// Byte order: virtio 1.0 fields are little-endian. TAP uses little-endian when <c>TUNSETVNETLE</c> is set or
/// the host is little-endian (legacy virtio is guest-native, and x86/arm64 are little-endian); only
/// <c>TUNSETVNETBE</c> on a big-endian-capable kernel changes it, which this stack never sets.
/// The header size is chosen with <c>TUNSETVNETHDRSZ</c> (10 by default, 12 to include num_buffers).
/// </remarks>
public readonly ref struct VirtioNetHeaderView
{
    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>Wraps the first header bytes of <paramref name="buffer"/> without validating its length.</summary>
    public VirtioNetHeaderView(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>The underlying bytes.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>flags (byte 0).</summary>
    public VirtioNetFlags Flags => (VirtioNetFlags)_buffer[0];

    /// <summary>gso_type (byte 1).</summary>
    public VirtioNetGsoType GsoType => (VirtioNetGsoType)_buffer[1];

    /// <summary>hdr_len (bytes 2-3): length of the headers to copy into each segment.</summary>
    public ushort HeaderLength => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(2));

    /// <summary>gso_size (bytes 4-5): payload bytes per segment (the MSS for TCP).</summary>
    public ushort GsoSize => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(4));

    /// <summary>csum_start (bytes 6-7): offset in the frame where checksumming starts.</summary>
    public ushort ChecksumStart => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(6));

    /// <summary>csum_offset (bytes 8-9): where, after csum_start, the checksum is stored (16 for TCP, 6 for UDP).</summary>
    public ushort ChecksumOffset => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(8));

    /// <summary>num_buffers (bytes 10-11), present only in the 12-byte header.</summary>
    public ushort NumBuffers => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(10));
}
