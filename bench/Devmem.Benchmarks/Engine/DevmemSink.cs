using Devmem.Stack.Sockets;
using Devmem.Uapi;

namespace Devmem.Benchmarks.Engine;

/// <summary>
/// The devmem application that never reads payload (ncdevmem's job without <c>-v</c>, <c>devmem --sink</c>):
/// receives descriptors and returns every token at once, in batches of 128, counting bytes. Its buffers
/// are allocated once.
/// </summary>
internal sealed class DevmemSink
{
    private readonly byte[] _linear = new byte[64 * 1024];
    private readonly DevmemFragment[] _fragments = new DevmemFragment[DevmemUapi.MaxDontneedFrags];
    private readonly DmabufToken[] _tokens = new DmabufToken[DevmemUapi.MaxDontneedTokens];

    private readonly ManualResetEventSlim _reached = new(false);
    private long _bytes;
    private long _waitingFor = long.MaxValue;

    /// <summary>Bytes received so far (any thread may read it).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Blocks (without spinning for long: the flow needs the cores) until <paramref name="bytes"/> have arrived.</summary>
    public void WaitUntil(long bytes)
    {
        _reached.Reset();
        Volatile.Write(ref _waitingFor, bytes);
        if (Bytes < bytes)
        {
            _reached.Wait();
        }
    }

    /// <summary>Receives until end of stream or cancellation; returns the byte count.</summary>
    public async Task<long> RunAsync(EngineTcpSocket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            DevmemReceiveResult result = await socket.Receiver.ReceiveAsync(_linear, _fragments, 1 << 20, MessageFlags.SockDevmem, cancellationToken);
            if (result.IsEndOfStream)
            {
                return Bytes;
            }

            ReturnTokens(socket, result.FragmentCount);
            Count(result.Bytes);
        }
    }

    /// <summary>
    /// Receives with the blocking call until end of stream, on the caller's thread: the shape of ncdevmem's
    /// recvmsg loop and of the kernel receiver it is compared with (a dedicated thread, no thread-pool hops).
    /// </summary>
    public long Run(EngineTcpSocket socket)
    {
        while (true)
        {
            DevmemReceiveResult result = socket.Receiver.Receive(_linear, _fragments, 1 << 20);
            if (result.IsEndOfStream)
            {
                return Bytes;
            }

            ReturnTokens(socket, result.FragmentCount);
            Count(result.Bytes);
        }
    }

    private void Count(int bytes)
    {
        if (Interlocked.Add(ref _bytes, bytes) >= Volatile.Read(ref _waitingFor))
        {
            _reached.Set();
        }
    }

    private void ReturnTokens(EngineTcpSocket socket, int fragmentCount)
    {
        int pending = 0;
        for (int i = 0; i < fragmentCount; i++)
        {
            if (_fragments[i].IsLinear)
            {
                continue;
            }

            _tokens[pending++] = DmabufToken.One(_fragments[i].Token);
            if (pending == _tokens.Length)
            {
                socket.Receiver.ReturnTokens(_tokens);
                pending = 0;
            }
        }

        if (pending > 0)
        {
            socket.Receiver.ReturnTokens(_tokens.AsSpan(0, pending));
        }
    }
}
