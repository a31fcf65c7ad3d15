using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// The per-segment path allocates nothing in steady state: send, dispatch, segment arrival with a
/// device-memory skb, the ACK back, the devmem receive and the token return, with timestamps and SACK on.
/// </summary>
public class TcpZeroAllocationTests
{
    [Fact]
    public void SteadyStateTransfer_AllocatesNothing()
    {
        using var bench = new TcpBench();
        var options = TcpBench.Plain with { Timestamps = true, WindowScaling = true, ReceiveBufferSize = 256 * 1024, SendBufferSize = 256 * 1024 };
        TcpConnection client = bench.NewConnection(options, localPort: 40000, remotePort: 5001);
        TcpConnection server = bench.NewConnection(options, localPort: 5001, remotePort: 40000);
        var pump = new Pump(bench, client, server);

        client.Connect(1000);
        Assert.True(client.TryDispatch(bench.Now, pump.Frame, out TcpHeader syn, out _));
        Assert.True(server.AcceptSyn(syn, null, 9000, bench.Now));
        pump.Run(0);
        Assert.Equal(TcpState.Established, client.State);
        Assert.Equal(TcpState.Established, server.State);

        for (int i = 0; i < 2000; i++)
        {
            pump.Run(4000);
        }

        // The fewest bytes of three passes: an allocation per segment shows in every one, a one-off of the
        // runtime's on this thread in one at most.
        long allocated = long.MaxValue;
        for (int pass = 0; pass < 3; pass++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 2000; i++)
            {
                pump.Run(4000);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
        Assert.Equal(4 * 2000 * 4000L, pump.Received);
        Assert.Equal(0, client.Counters.TotalDropped + server.Counters.TotalDropped);
        bench.CloseAndAssertNoLeaks();
    }

    private sealed class Pump(TcpBench bench, TcpConnection client, TcpConnection server)
    {
        private readonly byte[] _data = TcpBench.Pattern(4000);
        private readonly byte[] _linear = new byte[4096];
        private readonly DevmemFragment[] _fragments = new DevmemFragment[64];
        private readonly DmabufToken[] _tokens = new DmabufToken[64];

        public byte[] Frame { get; } = new byte[65536];

        public long Received { get; private set; }

        // One application write, every segment both ways, the server application's read and token return.
        public void Run(int bytes)
        {
            client.Send(_data.AsSpan(0, bytes));
            for (int round = 0; round < 8; round++)
            {
                while (client.TryDispatch(bench.Now, Frame, out TcpHeader header, out int length))
                {
                    server.Process(header, length == 0 ? null : bench.DevicePayload(Frame.AsSpan(0, length)), bench.Now);
                }

                while (server.TryDispatch(bench.Now, Frame, out TcpHeader header, out _))
                {
                    client.Process(header, null, bench.Now);
                }

                while (server.Receiver.TryReceive(_linear, _fragments, int.MaxValue, MessageFlags.SockDevmem, out DevmemReceiveResult result))
                {
                    Received += result.Bytes;
                    for (int i = 0; i < result.FragmentCount; i++)
                    {
                        _tokens[i] = DmabufToken.One(_fragments[i].Token);
                    }

                    server.Receiver.ReturnTokens(_tokens.AsSpan(0, result.FragmentCount));
                }

                bench.Now += 50_000;
            }
        }
    }
}
