namespace Devmem.Stack.Link.Packet;

/// <summary>The rings of an <see cref="AfPacketLink"/>: sizes and the RX block timeout.</summary>
public sealed record AfPacketLinkOptions
{
    /// <summary>
    /// Bytes per RX block: a power of two, a multiple of the page size, and larger than the longest frame plus
    /// headers, or GSO frames (up to 64 KiB on a veth with TSO) are cut short and dropped.
    /// </summary>
    public int RxBlockSize { get; init; } = 256 * 1024;

    /// <summary>RX blocks in the ring.</summary>
    public int RxBlockCount { get; init; } = 32;

    /// <summary>
    /// How long the kernel fills a block before handing it over anyway (<c>tp_retire_blk_tov</c>, in ms): the
    /// latency floor of a lightly loaded link with TPACKET_V3, traded for one wake-up per block under load.
    /// </summary>
    public int RxBlockTimeoutMilliseconds { get; init; } = 1;

    /// <summary>Bytes per TX slot, header included: a multiple of 16 that fits the longest frame sent plus 48.</summary>
    public int TxFrameSize { get; init; } = 2048;

    /// <summary>TX slots in the ring.</summary>
    public int TxFrameCount { get; init; } = 512;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(RxBlockSize, 4096, nameof(RxBlockSize));
        if (!int.IsPow2(RxBlockSize))
        {
            throw new ArgumentOutOfRangeException(nameof(RxBlockSize), RxBlockSize, "an RX block is a power of two bytes");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RxBlockCount, nameof(RxBlockCount));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RxBlockTimeoutMilliseconds, nameof(RxBlockTimeoutMilliseconds));
        ArgumentOutOfRangeException.ThrowIfLessThan(TxFrameSize, 128, nameof(TxFrameSize));
        if (TxFrameSize % 16 != 0 || TxFrameSize > 4096 || 4096 % TxFrameSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TxFrameSize), TxFrameSize, "a TX slot is a multiple of 16 that divides a 4 KiB block");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(TxFrameCount, nameof(TxFrameCount));
    }
}
