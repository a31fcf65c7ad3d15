using CsCheck;
using Devmem.Memory;

namespace Devmem.Tests.Memory;

/// <summary>
/// Random sequences of what the NIC, skbs, applications and queue restarts do to chunks, checked against
/// a model after every step, and ending with nothing leaked.
/// </summary>
public sealed class MemoryPropertyTests
{
    private const int Chunks = 8;

    private enum Operation
    {
        Allocate,
        Get,
        Put,
        GetForUser,
        PutForUser,
        RestartQueue,
        PutRecycled,
    }

    private static readonly Gen<Operation> Operations = Gen.Frequency(
        (4, Gen.Const(Operation.Allocate)),
        (2, Gen.Const(Operation.Get)),
        (4, Gen.Const(Operation.Put)),
        (2, Gen.Const(Operation.GetForUser)),
        (2, Gen.Const(Operation.PutForUser)),
        (1, Gen.Const(Operation.RestartQueue)),
        (1, Gen.Const(Operation.PutRecycled)));

    [Fact]
    public void RandomChunkLifecycles_KeepTheInvariantsAndLeakNothing()
    {
        Gen.Select(Operations, Gen.Int[0, 1 << 16]).Array[0, 150]
            .Sample(Run, iter: 2_000, threads: 1, print: steps => string.Join(", ", steps.Select(s => $"{s.Item1}({s.Item2})")));
    }

    private static void Run((Operation Operation, int Pick)[] steps)
    {
        using var leaks = MemoryLeakScope.Begin("property");
        using var dmaBuf = new HostDmaBuf(Chunks * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
        var pools = new List<PagePool> { new(binding, ringSize: 2) };
        var held = new List<Held>();
        var recycled = new List<NetIov>();

        foreach ((Operation operation, int pick) in steps)
        {
            Held? target = held.Count > 0 ? held[pick % held.Count] : null;
            switch (operation)
            {
                case Operation.Allocate:
                    if (pools[^1].TryAllocate(out NetIov? netIov))
                    {
                        Assert.DoesNotContain(held, h => ReferenceEquals(h.NetIov, netIov));
                        held.Add(new Held(netIov) { Others = 1 });
                    }
                    else
                    {
                        Assert.Equal(Chunks, held.Count + pools.Sum(p => p.Cached));
                    }

                    break;

                case Operation.Get when target is not null:
                    target.NetIov.Get();
                    target.Others++;
                    break;

                case Operation.Put when target is not null:
                    if (target.Others == 0)
                    {
                        Assert.Throws<InvalidOperationException>(target.NetIov.Put);
                    }
                    else
                    {
                        target.NetIov.Put();
                        target.Others--;
                        Forget(target);
                    }

                    break;

                case Operation.GetForUser when target is not null:
                    target.NetIov.GetForUser();
                    target.Users++;
                    break;

                case Operation.PutForUser when target is not null:
                    if (target.Users == 0)
                    {
                        Assert.Throws<InvalidOperationException>(target.NetIov.PutForUser);
                    }
                    else
                    {
                        target.NetIov.PutForUser();
                        target.Users--;
                        Forget(target);
                    }

                    break;

                case Operation.RestartQueue:
                    pools[^1].Dispose();
                    pools.Add(new PagePool(binding, ringSize: 2));
                    break;

                case Operation.PutRecycled when recycled.Count > 0:
                    NetIov stale = recycled[pick % recycled.Count];
                    if (!held.Any(h => ReferenceEquals(h.NetIov, stale)))
                    {
                        long before = stale.ReferenceCount;
                        Assert.Throws<InvalidOperationException>(stale.Put);
                        Assert.Equal(before, stale.ReferenceCount);
                    }

                    break;
            }

            CheckInvariants(binding, pools, held);
        }

        foreach (Held h in held)
        {
            for (; h.Others > 0; h.Others--)
            {
                h.NetIov.Put();
            }

            for (; h.Users > 0; h.Users--)
            {
                h.NetIov.PutForUser();
            }
        }

        leaks.AssertNoLeaks();
        pools[^1].Dispose();
        Assert.All(pools, p => Assert.True(p.IsReleased));
        Assert.Equal(Chunks, binding.FreeChunks);
        leaks.AssertNoLeaks();

        void Forget(Held target)
        {
            if (target.Others + target.Users == 0)
            {
                held.Remove(target);
                recycled.Add(target.NetIov);
            }
        }
    }

    private static void CheckInvariants(DmaBufBinding binding, List<PagePool> pools, List<Held> held)
    {
        foreach (Held h in held)
        {
            Assert.Equal(NetIov.PoolHold + h.Others + h.Users, h.NetIov.ReferenceCount);
            Assert.Equal(h.Users, h.NetIov.UserReferenceCount);
        }

        Assert.Equal(held.Sum(h => h.Users), binding.HeldByUsers);
        Assert.Equal(held.Count, pools.Sum(p => p.InFlight));
        Assert.Equal(Chunks, binding.FreeChunks + pools.Sum(p => p.ChunksHeld));
        Assert.All(pools, p => Assert.Equal(p.ChunksHeld, p.InFlight + p.Cached));
    }

    private sealed class Held(NetIov netIov)
    {
        public NetIov NetIov { get; } = netIov;

        /// <summary>The caller's and skb frags' references.</summary>
        public int Others { get; set; }

        public int Users { get; set; }
    }
}
