using System.Collections.Concurrent;
using System.Diagnostics;
using Devmem.Uapi;

namespace Devmem.Tests.Receive;

/// <summary>SO_DEVMEM_DONTNEED from one thread while another receives (upstream does not take the socket lock).</summary>
public class ReceiveConcurrencyTests
{
    [Fact]
    public async Task DontneedOnOneThread_WhileAnotherReceives_InvariantsHoldAndNothingLeaks()
    {
        using var f = new ReceiveFixture(devicePages: 256);
        var handedOut = new BlockingCollection<uint>();
        var outstanding = new ConcurrentDictionary<uint, byte>();
        long received = 0;
        long returned = 0;
        var stop = Stopwatch.StartNew();
        TimeSpan duration = TimeSpan.FromSeconds(2);
        CancellationToken ct = TestContext.Current.CancellationToken;

        var producer = Task.Run(() =>
        {
            var fragments = new DevmemFragment[16];
            while (stop.Elapsed < duration)
            {
                // Keep the queue fed within what the pool can hold while tokens are out.
                if (f.DevicePool.InFlight < 200)
                {
                    f.Queue(0, [(0, 512), (1024, 512), (2048, 1000)]);
                }

                if (f.Receiver.TryReceive([], fragments, 64 * 1024, MessageFlags.SockDevmem, out var result))
                {
                    for (int i = 0; i < result.FragmentCount; i++)
                    {
                        Assert.True(outstanding.TryAdd(fragments[i].Token, 0), $"token {fragments[i].Token} issued while outstanding");
                        handedOut.Add(fragments[i].Token, ct);
                    }

                    Interlocked.Add(ref received, result.FragmentCount);
                }
            }

            handedOut.CompleteAdding();
        }, ct);

        var returner = Task.Run(() =>
        {
            var batch = new List<DmabufToken>();
            foreach (uint token in handedOut.GetConsumingEnumerable(ct))
            {
                Assert.True(outstanding.TryRemove(token, out _));
                batch.Add(DmabufToken.One(token));
                if (batch.Count == 7 || handedOut.Count == 0)
                {
                    Interlocked.Add(ref returned, f.Receiver.ReturnTokens(batch.ToArray()));
                    batch.Clear();
                }
            }

            Interlocked.Add(ref returned, f.Receiver.ReturnTokens(batch.ToArray()));
        }, ct);

        await Task.WhenAll(producer, returner);
        Assert.True(received > 1000, $"only {received} frags received");
        Assert.Equal(received, returned);
        Assert.Equal(0, f.Receiver.TokensOutstanding);
        f.CloseAndAssertNoLeaks();
    }
}
