using Devmem.Skb;

namespace Devmem.Stack.Tests.Nic;

internal static class NicAssert
{
    /// <summary>The skb's bytes in stream order: linear, frags (read through the dma-buf), then frag_list members.</summary>
    public static byte[] Contents(SkBuff skb)
    {
        var bytes = new List<byte>();
        for (SkBuff? member = skb; member is not null; member = ReferenceEquals(member, skb) ? skb.FragList : member.Next)
        {
            bytes.AddRange(member.Linear.ToArray());
            foreach (SkbFrag frag in member.Frags)
            {
                var piece = new byte[frag.Size];
                frag.NetIov.Owner.DmaBuf.Read(frag.DmaBufOffset, piece);
                bytes.AddRange(piece);
            }
        }

        return [.. bytes];
    }
}
