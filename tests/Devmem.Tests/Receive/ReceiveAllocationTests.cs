using Devmem.Memory;
using Devmem.Skb;
using Devmem.Uapi;

namespace Devmem.Tests.Receive;

/// <summary>The data path allocates nothing per packet: measured, not assumed.</summary>
public class ReceiveAllocationTests
{
    [Fact]
    public void SteadyStateBuildReceiveAndReturn_AllocatesNothing()
    {
        using var f = new ReceiveFixture(devicePages: 256);
        byte[] buffer = new byte[32 * 1448];
        byte[] control = new byte[64 * 40];
        var fragments = new DevmemFragment[64];
        var tokens = new DmabufToken[64];
        uint seq = f.Receiver.NextSeq;

        int Cycle()
        {
            for (int skb = 0; skb < 4; skb++)
            {
                SkBuff s = f.Skbs.Rent();
                s.Seq = seq;
                for (int i = 0; i < 16; i++)
                {
                    f.DevicePool.TryAllocate(out NetIov? netIov);
                    s.TryAddFrag(netIov!, 0, 1448);
                }

                seq += 16 * 1448;
                f.Receiver.Enqueue(s);
            }

            // Half through the byte face, half through the typed face.
            f.Receiver.ReceiveMessage(buffer, control, MessageFlags.SockDevmem | MessageFlags.DontWait, out int controlLength);
            var reader = new ControlMessageReader(control.AsSpan(0, controlLength));
            int n = 0;
            while (reader.TryRead(out ControlMessage message))
            {
                message.TryGetDmabufCmsg(out DmabufCmsg cmsg);
                tokens[n++] = DmabufToken.One(cmsg.FragToken);
            }

            f.Receiver.ReturnTokens(tokens.AsSpan(0, n));
            f.Receiver.TryReceive([], fragments, int.MaxValue, MessageFlags.SockDevmem, out var result);
            for (int i = 0; i < result.FragmentCount; i++)
            {
                tokens[i] = DmabufToken.One(fragments[i].Token);
            }

            f.Receiver.ReturnTokens(tokens.AsSpan(0, result.FragmentCount));
            return n + result.FragmentCount;
        }

        for (int i = 0; i < 50; i++)
        {
            Cycle();
        }

        // Every cycle hands out all 64 frags: 32 through cmsgs, 32 as typed fragments.
        Assert.Equal(64, Cycle());
        // The fewest bytes of three passes: an allocation per cycle shows in every one, a one-off of the runtime's
        // on this thread in one at most.
        long handedOut = 0;
        long allocated = long.MaxValue;
        for (int pass = 0; pass < 3; pass++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                handedOut += Cycle();
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
        Assert.Equal(3 * 64_000, handedOut);
        Assert.Equal(0, f.Receiver.QueuedBytes);
        f.CloseAndAssertNoLeaks();
    }
}
