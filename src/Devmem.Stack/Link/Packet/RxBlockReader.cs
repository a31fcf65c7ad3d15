using Devmem.Stack.Wire;

namespace Devmem.Stack.Link.Packet;

/// <summary>
/// Reads a TPACKET_V3 RX ring (Documentation/networking/packet_mmap.rst): blocks in ring order, each ours once
/// its <c>block_status</c> has TP_STATUS_USER, holding <c>num_pkts</c> packets chained by
/// <c>tp_next_offset</c>; a block goes back by writing TP_STATUS_KERNEL, only after every packet in it was
/// copied out. A batch may fill mid-block; the reader remembers where it stopped.
/// </summary>
/// <remarks>Owned by the link's receiving thread; the mapping outlives it (the link holds it).</remarks>
internal sealed unsafe class RxBlockReader
{
    private readonly byte* _ring;
    private readonly int _blockSize;
    private readonly int _blockCount;
    private int _block;
    private int _packetsLeft;
    private byte* _packet;

    public RxBlockReader(byte* ring, int blockSize, int blockCount)
    {
        _ring = ring;
        _blockSize = blockSize;
        _blockCount = blockCount;
    }

    /// <summary>Frames whose packet was cut to fit the block (tp_snaplen &lt; tp_len): dropped.</summary>
    public long Truncated { get; private set; }

    /// <summary>Copies ready frames into <paramref name="frames"/> with what the kernel knew of their checksum; returns how many.</summary>
    public int Read(FrameBatch frames)
    {
        int added = 0;
        while (!frames.IsFull)
        {
            if (_packetsLeft == 0 && !TryTakeBlock())
            {
                break;
            }

            uint snapLength = *(uint*)(_packet + PacketConstants.SnapLengthOffset);
            uint length = *(uint*)(_packet + PacketConstants.LengthOffset);
            uint status = *(uint*)(_packet + PacketConstants.StatusOffset);
            ushort mac = *(ushort*)(_packet + PacketConstants.MacOffsetOffset);
            if (snapLength < length || snapLength > frames.MaxFrameLength)
            {
                Truncated++;
            }
            else
            {
                new ReadOnlySpan<byte>(_packet + mac, (int)snapLength).CopyTo(frames.Reserve());
                CommitWithChecksumState(frames, (int)snapLength, status);
                added++;
            }

            _packet += *(uint*)(_packet + PacketConstants.NextOffsetOffset);
            if (--_packetsLeft == 0)
            {
                ReleaseBlock();
            }
        }

        return added;
    }

    // The kernel's checksum knowledge travels as a virtio-net header, the form the NIC already reads (TAP's):
    // CSUMNOTREADY is a locally sent CHECKSUM_PARTIAL skb (NEEDS_CSUM), CSUM_VALID a verified one (DATA_VALID).
    private static void CommitWithChecksumState(FrameBatch frames, int length, uint status)
    {
        if ((status & PacketConstants.TP_STATUS_CSUMNOTREADY) != 0)
        {
            frames.Commit(length, new VirtioNetHeader { Flags = VirtioNetFlags.NeedsChecksum });
        }
        else if ((status & PacketConstants.TP_STATUS_CSUM_VALID) != 0)
        {
            frames.Commit(length, new VirtioNetHeader { Flags = VirtioNetFlags.DataValid });
        }
        else
        {
            frames.Commit(length);
        }
    }

    private bool TryTakeBlock()
    {
        byte* block = _ring + ((long)_block * _blockSize);
        if ((Volatile.Read(ref *(uint*)(block + PacketConstants.BlockStatusOffset)) & PacketConstants.TP_STATUS_USER) == 0)
        {
            return false;
        }

        _packetsLeft = (int)*(uint*)(block + PacketConstants.BlockPacketCountOffset);
        _packet = block + *(uint*)(block + PacketConstants.BlockFirstPacketOffset);
        if (_packetsLeft == 0)
        {
            ReleaseBlock();
            return TryTakeBlock();
        }

        return true;
    }

    private void ReleaseBlock()
    {
        byte* block = _ring + ((long)_block * _blockSize);
        Volatile.Write(ref *(uint*)(block + PacketConstants.BlockStatusOffset), PacketConstants.TP_STATUS_KERNEL);
        _block = _block + 1 == _blockCount ? 0 : _block + 1;
    }
}
