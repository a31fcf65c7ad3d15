namespace Devmem.Kernel.Sockets;

/// <summary>
/// A MSG_ZEROCOPY completion: the sends numbered <see cref="First"/> to <see cref="Last"/> (inclusive; each
/// zerocopy sendmsg on a socket takes the next number, from 0) are done with their buffers, which may now
/// change. For device-memory transmit that means the dma-buf ranges they named.
/// </summary>
/// <param name="First"><c>ee_info</c>.</param>
/// <param name="Last"><c>ee_data</c>.</param>
/// <param name="Copied">
/// <c>SO_EE_CODE_ZEROCOPY_COPIED</c>: the kernel copied instead (e.g. over loopback); never the case for
/// device memory, which the CPU cannot copy.
/// </param>
public readonly record struct ZerocopyCompletion(uint First, uint Last, bool Copied)
{
    /// <summary>How many sends the range covers.</summary>
    public uint Count => Last - First + 1;
}
