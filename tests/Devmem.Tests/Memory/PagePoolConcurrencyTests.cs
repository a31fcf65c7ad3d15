using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Devmem.Memory;

namespace Devmem.Tests.Memory;

/// <summary>
/// One NIC thread allocates and fills chunks; application threads verify them and return their tokens,
/// recycling into the pool concurrently with the NIC's allocations.
/// </summary>
public sealed class PagePoolConcurrencyTests
{
    private const int Chunks = 64;
    private const int Applications = 2;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void PagePool_TokensReturnedFromOtherThreads_NeverHandAChunkOutTwiceAndAllComeBack()
    {
        using var leaks = MemoryLeakScope.Begin();
        using var dmaBuf = new HostDmaBuf(Chunks * Page.Size);
        using var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);

        // A ring smaller than the binding, so the ring-full release and the provider refill both run.
        var pool = new PagePool(binding, ringSize: 16);
        var owned = new int[Chunks];
        var errors = new ConcurrentQueue<string>();
        var delivered = new BlockingCollection<(NetIov NetIov, long Sequence)>();
        long handedOut = 0;
        long failures = 0;

        var nic = new Thread(() =>
        {
            try
            {
                var clock = Stopwatch.StartNew();
                long sequence = 0;
                while (clock.Elapsed < Duration)
                {
                    if (!pool.TryAllocate(out NetIov? netIov))
                    {
                        failures++;
                        Thread.Yield();
                        continue;
                    }

                    if (Interlocked.CompareExchange(ref owned[netIov.Index], 1, 0) != 0)
                    {
                        errors.Enqueue($"{netIov} handed out while still held");
                    }

                    MemoryMarshal.Write(netIov.Span, in sequence);
                    netIov.GetForUser();
                    netIov.Put();
                    delivered.Add((netIov, sequence++));
                    handedOut++;
                }
            }
            catch (InvalidOperationException error)
            {
                errors.Enqueue($"NIC: {error.Message}");
            }
            finally
            {
                delivered.CompleteAdding();
            }
        });

        var applications = Enumerable.Range(0, Applications).Select(_ => new Thread(() =>
        {
            foreach ((NetIov netIov, long sequence) in delivered.GetConsumingEnumerable())
            {
                try
                {
                    if (MemoryMarshal.Read<long>(netIov.Span) != sequence)
                    {
                        errors.Enqueue($"{netIov} was overwritten while a token held it");
                    }

                    if (sequence % 3 == 0)
                    {
                        netIov.GetForUser();
                        netIov.PutForUser();
                    }

                    if (Interlocked.CompareExchange(ref owned[netIov.Index], 0, 1) != 1)
                    {
                        errors.Enqueue($"{netIov} returned while not held");
                    }

                    netIov.PutForUser();
                }
                catch (InvalidOperationException error)
                {
                    errors.Enqueue($"application: {error.Message}");
                }
            }
        })).ToArray();

        // Background threads, so that a failure here cannot keep the test process alive.
        nic.IsBackground = true;
        nic.Start();
        foreach (Thread application in applications)
        {
            application.IsBackground = true;
            application.Start();
        }

        Assert.True(nic.Join(JoinTimeout), "the NIC thread did not finish");

        // The queue restarts while applications still hold tokens: what they return from now on goes
        // straight to the binding.
        Exception? restartError = Record.Exception(pool.Dispose);
        Assert.All(applications, application => Assert.True(application.Join(JoinTimeout), "an application thread did not finish"));
        Assert.Null(restartError);
        Assert.Empty(errors);
        Assert.True(handedOut > 1000, $"only {handedOut} chunks went round");
        Assert.Equal(handedOut, pool.Allocated);
        Assert.Equal(failures, pool.AllocFailures);
        Assert.Equal(0, pool.InFlight);
        Assert.Equal(0, binding.HeldByUsers);
        Assert.True(pool.IsReleased);
        Assert.Equal(Chunks, binding.FreeChunks);
        Assert.DoesNotContain(1, owned);
        leaks.AssertNoLeaks();
    }
}
