using CsCheck;
using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Tests.Receive;

/// <summary>
/// Random skb shapes, receive sizes, control sizes and token-return orders, with close at a random point:
/// the stream rebuilt from linear bytes and dma-buf reads equals what was sent, no token is outstanding
/// twice, and nothing leaks.
/// </summary>
public class ReceivePropertyTests
{
    private sealed record SkbShape(bool Device, int Linear, (int Offset, int Size)[] Frags, (int Offset, int Size)[][] FragList);

    private sealed record Scenario(SkbShape[] Skbs, (int Len, int ControlSlots, bool Typed)[] Receives, int ReturnBatch, int ReturnSeed, int CloseAfter);

    private static readonly Gen<(int, int)> Frag = Gen.Int[0, 4000].SelectMany(offset => Gen.Int[1, Page.Size - offset].Select(size => (offset, size)));

    private static readonly Gen<SkbShape> Shape =
        Gen.Select(Gen.Bool, Gen.Int[0, 64], Frag.Array[0, 5], Frag.Array[1, 3].Array[0, 2])
            .Where(s => s.Item2 + s.Item3.Length + s.Item4.Sum(x => x.Length) > 0 && (s.Item1 || s.Item4.Length == 0))
            .Select(s => new SkbShape(s.Item1, s.Item2, s.Item3, s.Item4));

    private static readonly Gen<Scenario> Scenarios =
        Gen.Select(
            Shape.Array[1, 8],
            Gen.Select(Gen.Int[1, 20000], Gen.Int[0, 6], Gen.Bool).Array[1, 30],
            Gen.Int[1, 8],
            Gen.Int,
            Gen.Int[0, 40])
        .Select(s => new Scenario(s.Item1, s.Item2, s.Item3, s.Item4, s.Item5));

    [Fact]
    public void RebuiltStreamEqualsSent_TokensUniqueWhileOutstanding_NothingLeaks()
    {
        Scenarios.Sample(Run, iter: 3000, threads: 1);
    }

    private static void Run(Scenario scenario)
    {
        using var f = new ReceiveFixture(devicePages: 128, hostPages: 64);
        foreach (SkbShape shape in scenario.Skbs)
        {
            var skb = f.BuildSkb(shape.Linear, shape.Frags, shape.Device);
            foreach (var member in shape.FragList)
            {
                skb.AppendFragList(f.BuildSkb(0, member, device: true));
            }

            f.Receiver.Enqueue(skb);
        }

        var rebuilt = new List<byte>();
        var outstanding = new HashSet<uint>();
        var random = new Random(scenario.ReturnSeed);
        byte[] buffer = new byte[20000];
        var fragments = new DevmemFragment[8];
        int step = 0;
        foreach (var (len, slots, typed) in scenario.Receives)
        {
            if (step++ == scenario.CloseAfter)
            {
                break;
            }

            if (typed)
            {
                DevmemReceiveResult result;
                try
                {
                    if (!f.Receiver.TryReceive(buffer.AsSpan(0, len), fragments.AsSpan(0, slots), len, MessageFlags.SockDevmem, out result))
                    {
                        break;
                    }
                }
                catch (DevmemException e) when (e.Errno == Errno.ETOOSMALL)
                {
                    Assert.Equal(0, slots);
                    continue;
                }

                if (result.Bytes == 0)
                {
                    break;
                }

                if (result.Kind == DevmemDataKind.Readable)
                {
                    Assert.Equal(0, result.FragmentCount);
                    rebuilt.AddRange(buffer.Take(result.LinearBytes));
                }

                int linearSeen = 0;
                for (int i = 0; i < result.FragmentCount; i++)
                {
                    DevmemFragment record = fragments[i];
                    if (record.IsLinear)
                    {
                        Assert.Equal((ulong)linearSeen, record.Offset);
                        rebuilt.AddRange(buffer.Skip((int)record.Offset).Take((int)record.Size));
                        linearSeen += (int)record.Size;
                    }
                    else
                    {
                        rebuilt.AddRange(f.ReadFragment(record));
                        Assert.True(outstanding.Add(record.Token), $"token {record.Token} issued twice");
                    }
                }
            }
            else
            {
                byte[] control = new byte[slots * 40];
                int n = f.Receiver.ReceiveMessage(buffer.AsSpan(0, len), control, MessageFlags.SockDevmem | MessageFlags.DontWait, out int controlLength);
                if (n == -(int)Errno.EAGAIN)
                {
                    break;
                }

                if (n == -(int)Errno.ETOOSMALL)
                {
                    Assert.Equal(0, slots);
                    continue;
                }

                Assert.True(n > 0, $"recvmsg returned {n}");
                int linearAt = 0;
                int delivered = 0;
                var cmsgs = ReceiveFixture.ParseControl(control.AsSpan(0, controlLength));
                if (cmsgs.Count == 0)
                {
                    rebuilt.AddRange(buffer.Take(n));
                    delivered = n;
                }

                foreach (var (type, cmsg) in cmsgs)
                {
                    if (type == DevmemUapi.ScmDevmemLinear)
                    {
                        rebuilt.AddRange(buffer.Skip(linearAt).Take((int)cmsg.FragSize));
                        linearAt += (int)cmsg.FragSize;
                    }
                    else
                    {
                        rebuilt.AddRange(f.ReadFragment(new DevmemFragment(cmsg.DmabufId, cmsg.FragOffset, cmsg.FragSize, cmsg.FragToken)));
                        Assert.True(outstanding.Add(cmsg.FragToken), $"token {cmsg.FragToken} issued twice");
                    }

                    delivered += (int)cmsg.FragSize;
                }

                Assert.Equal(n, delivered);
            }

            // Return a random subset of the outstanding tokens, in random order and batches.
            var toReturn = outstanding.Where(_ => random.Next(3) == 0).OrderBy(_ => random.Next()).ToList();
            foreach (var batch in toReturn.Chunk(scenario.ReturnBatch))
            {
                Assert.Equal(batch.Length, f.Receiver.ReturnTokens(batch.Select(DmabufToken.One).ToArray()));
                outstanding.ExceptWith(batch);
            }
        }

        Assert.Equal(f.Sent.Take(rebuilt.Count), rebuilt);
        Assert.Equal(outstanding.Count, f.Receiver.TokensOutstanding);
        f.CloseAndAssertNoLeaks();
    }
}
