using Devmem.Memory;
using Devmem.Skb;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Nic;

/// <summary>
/// The NIC's DMA of one payload: into page-pool chunks as frags (header split), or into the skb's linear
/// part (no split). Either way each byte is written once and summed for the TCP checksum, piece by piece: in
/// the same pass when the CPU can address the memory, else just before the device's copy engine writes it.
/// </summary>
internal static class PayloadWriter
{
    /// <summary>
    /// Writes <paramref name="payload"/> into receive buffers of <paramref name="bufferLength"/> bytes carved
    /// from chunks of <paramref name="pool"/>, as a NIC posts one buffer per descriptor: a buffer never
    /// straddles a chunk, a chunk holds <c>4096 / bufferLength</c> buffers of one packet (Linux
    /// <c>page_pool_alloc_frag</c>: every buffer after the first takes a further reference on the chunk), and
    /// each buffer becomes one frag. After 17 frags the rest go to skbs chained on the frag_list, as a
    /// driver builds a packet larger than <c>MAX_SKB_FRAGS</c> buffers.
    /// </summary>
    /// <returns>False when the pool ran dry; every chunk taken for this payload has then been returned.</returns>
    public static bool TryWriteSplit(
        ReadOnlySpan<byte> payload, PagePool pool, SkbPool skbs, int bufferLength, ref ulong checksum, out SkBuff skb)
    {
        skb = skbs.Rent();
        SkBuff target = skb;
        NetIov? chunk = null;
        int chunkUsed = Page.Size;
        for (int at = 0; at < payload.Length; at += bufferLength)
        {
            if (chunkUsed + bufferLength > Page.Size)
            {
                if (!pool.TryAllocate(out chunk))
                {
                    Abandon(skb, target);
                    return false;
                }

                chunkUsed = 0;
            }
            else
            {
                chunk!.Get();
            }

            if (target.FragCount == SkBuff.MaxFrags)
            {
                Chain(skb, target);
                target = skbs.Rent();
            }

            var piece = payload.Slice(at, Math.Min(bufferLength, payload.Length - at));
            DmaBuf memory = chunk!.Owner.DmaBuf;
            long offset = chunk.DmaBufOffset + chunkUsed;
            if (memory.IsHostVisible)
            {
                checksum += InternetChecksum.CopyAndAccumulate(piece, memory.GetSpan(offset, piece.Length));
            }
            else
            {
                // Device memory only the device's copy engine reaches: summed here, then written.
                checksum += InternetChecksum.Accumulate(piece);
                memory.Write(offset, piece);
            }
            target.TryAddFrag(chunk, chunkUsed, piece.Length);
            chunkUsed += bufferLength;
        }

        Chain(skb, target);
        return true;
    }

    /// <summary>Leaves the payload in the linear part: no split was possible or configured.</summary>
    public static SkBuff WriteLinear(ReadOnlySpan<byte> payload, SkbPool skbs, ref ulong checksum)
    {
        SkBuff skb = skbs.Rent();
        checksum += InternetChecksum.Accumulate(payload);
        skb.AppendLinear(payload);
        return skb;
    }

    private static void Chain(SkBuff head, SkBuff member)
    {
        if (!ReferenceEquals(head, member))
        {
            head.AppendFragList(member);
        }
    }

    private static void Abandon(SkBuff head, SkBuff member)
    {
        if (!ReferenceEquals(head, member))
        {
            member.Free();
        }

        head.Free();
    }
}
