using Devmem.Memory;

namespace Devmem.Skb;

/// <summary>
/// One <c>skb_frag_t</c>: <see cref="Size"/> bytes at <see cref="Offset"/> inside one net_iov. The frag owns
/// one reference on its net_iov, dropped when the skb is freed.
/// </summary>
public readonly record struct SkbFrag(NetIov NetIov, int Offset, int Size)
{
    /// <summary>Where the frag's first byte lives in its dma-buf (net_iov_virtual_addr + skb_frag_off).</summary>
    public long DmaBufOffset => NetIov.DmaBufOffset + Offset;
}
