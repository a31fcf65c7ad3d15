using CsCheck;
using Devmem.Stack.Tcp;
using static Devmem.Stack.Tests.Tcp.TcpScenario;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// Whatever the order, overlap and duplication of arriving segments, the receiver gets the stream exactly
/// once and in order, and no skb or net_iov is left behind.
/// </summary>
public class ReceivePathPropertyTests
{
    private const int StreamLength = 20_000;

    private static readonly Gen<(int Offset, int Length)[]> Arrivals =
        Gen.Int[1, 1500].Array[14, 200].Select(Cover)
            .SelectMany(cover => Gen.Select(Gen.Int[0, StreamLength - 1], Gen.Int[1, 3000]).Array[0, 20]
                .Select(extra => cover.Concat(extra.Select(e => (e.Item1, Math.Min(e.Item2, StreamLength - e.Item1)))).ToArray()))
            .SelectMany(all => Gen.Shuffle(all));

    [Fact]
    public void AnyArrivalOrder_DeliversTheStreamExactlyOnce()
    {
        byte[] data = TcpBench.Pattern(StreamLength, 7);
        Arrivals.Sample(
            arrivals =>
            {
                using var bench = new TcpBench(devicePages: 1024);
                TcpConnection c = EstablishPassive(bench, TcpBench.Plain with { ReceiveBufferSize = 60_000 });
                foreach ((int offset, int length) in arrivals)
                {
                    bench.Deliver(c, PeerData(offset), data.AsSpan(offset, length));
                    bench.Drain(c);
                }

                Assert.Equal(0, c.OutOfOrderBytes);
                Assert.Empty(c.SackBlocks.ToArray());
                Assert.Equal(data, bench.ReceiveAll(c.Receiver));
                bench.CloseAndAssertNoLeaks();
            },
            iter: 60);
    }

    // Consecutive pieces of the given sizes until the stream is covered.
    private static (int Offset, int Length)[] Cover(int[] sizes)
    {
        var pieces = new List<(int, int)>();
        int offset = 0;
        for (int i = 0; offset < StreamLength; i++)
        {
            int length = Math.Min(sizes[i % sizes.Length], StreamLength - offset);
            pieces.Add((offset, length));
            offset += length;
        }

        return [.. pieces];
    }
}
