using BenchmarkDotNet.Attributes;
using Devmem.Memory;
using Devmem.Receive;
using Devmem.Skb;
using Devmem.Uapi;

namespace Devmem.Benchmarks;

/// <summary>
/// The devmem receive-and-return cycle per frag: the NIC side (page-pool allocation, skb build, enqueue),
/// recvmsg(MSG_SOCK_DEVMEM) into a control buffer, and SO_DEVMEM_DONTNEED of every token (one range per
/// token, as ncdevmem returns them). Reported per call: divide by FragsPerCall. Target: under 100 ns per
/// frag, 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class ReceiveCycleBenchmarks
{
    private HostDmaBuf _dmaBuf = null!;
    private DmaBufBinding _binding = null!;
    private PagePool _pool = null!;
    private SkbPool _skbs = null!;
    private DevmemReceiver _receiver = null!;
    private byte[] _buffer = null!;
    private byte[] _control = null!;
    private byte[] _tokens = null!;
    private uint _seq;

    [Params(1, 16, 64)]
    public int FragsPerCall { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dmaBuf = new HostDmaBuf(1024L * Page.Size, "bench");
        _binding = new DmaBufBinding(_dmaBuf, BindingDirection.Rx);
        _pool = new PagePool(_binding);
        _skbs = new SkbPool();
        _receiver = new DevmemReceiver();
        _buffer = new byte[FragsPerCall * 1500];
        _control = new byte[FragsPerCall * 40];
        _tokens = new byte[FragsPerCall * DmabufToken.Size];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _receiver.Dispose();
        _pool.Dispose();
        _binding.Dispose();
        _dmaBuf.Dispose();
    }

    [Benchmark(Description = "build+recv+DONTNEED, one call")]
    public int Cycle()
    {
        ReceiveCycle.Queue(_receiver, _skbs, _pool, ref _seq, FragsPerCall);
        int n = _receiver.ReceiveMessage(_buffer, _control, MessageFlags.SockDevmem | MessageFlags.DontWait, out int controlLength);
        return n + ReceiveCycle.ReturnAll(_receiver, _control.AsSpan(0, controlLength), _tokens);
    }
}

/// <summary>
/// SO_DEVMEM_DONTNEED of 128 tokens alone. The receives that produce the tokens run untimed in the iteration
/// setup; each invocation returns <see cref="Batches"/> batches so the per-invocation timer overhead is
/// amortised (BenchmarkDotNet runs one invocation per iteration when an iteration setup exists).
/// </summary>
[MemoryDiagnoser]
public class DontneedBenchmarks
{
    private const int Tokens = DevmemUapi.MaxDontneedTokens;
    private const int Batches = 16;
    private HostDmaBuf _dmaBuf = null!;
    private DmaBufBinding _binding = null!;
    private PagePool _pool = null!;
    private SkbPool _skbs = null!;
    private DevmemReceiver _receiver = null!;
    private byte[] _buffer = null!;
    private byte[] _control = null!;
    private byte[][] _tokens = null!;
    private uint _seq;

    [GlobalSetup]
    public void Setup()
    {
        _dmaBuf = new HostDmaBuf(4096L * Page.Size, "bench");
        _binding = new DmaBufBinding(_dmaBuf, BindingDirection.Rx);
        _pool = new PagePool(_binding, ringSize: 4096);
        _skbs = new SkbPool();
        _receiver = new DevmemReceiver();
        _buffer = new byte[Tokens * 1500];
        _control = new byte[Tokens * 40];
        _tokens = new byte[Batches][];
        for (int i = 0; i < Batches; i++)
        {
            _tokens[i] = new byte[Tokens * DmabufToken.Size];
        }

        // One invocation per iteration would otherwise time tier-0 code: run the path until the tiered JIT
        // has promoted it (30 calls, then a background compile after a 100 ms quiet period), twice over.
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 50; i++)
            {
                ReceiveTokens();
                Dontneed128();
            }

            Thread.Sleep(500);
        }
    }

    [IterationSetup]
    public void ReceiveTokens()
    {
        for (int i = 0; i < Batches; i++)
        {
            ReceiveCycle.Queue(_receiver, _skbs, _pool, ref _seq, Tokens);
            _receiver.ReceiveMessage(_buffer, _control, MessageFlags.SockDevmem | MessageFlags.DontWait, out int controlLength);
            ReceiveCycle.CollectTokens(_control.AsSpan(0, controlLength), _tokens[i]);
        }
    }

    [Benchmark(Description = "DONTNEED of 128 tokens", OperationsPerInvoke = Batches)]
    public int Dontneed128()
    {
        int freed = 0;
        foreach (byte[] batch in _tokens)
        {
            freed += _receiver.SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.SoDevmemDontneed, batch);
        }

        return freed;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _receiver.Dispose();
        _pool.Dispose();
        _binding.Dispose();
        _dmaBuf.Dispose();
    }
}

/// <summary>What the NIC and an application do around one devmem receive.</summary>
internal static class ReceiveCycle
{
    /// <summary>Queues <paramref name="frags"/> 1448-byte device frags in skbs of 16, as header split would.</summary>
    public static void Queue(DevmemReceiver receiver, SkbPool skbs, PagePool pool, ref uint seq, int frags)
    {
        while (frags > 0)
        {
            SkBuff skb = skbs.Rent();
            skb.Seq = seq;
            int n = Math.Min(frags, 16);
            for (int i = 0; i < n; i++)
            {
                pool.TryAllocate(out NetIov? netIov);
                skb.TryAddFrag(netIov!, 0, 1448);
            }

            seq += (uint)(n * 1448);
            receiver.Enqueue(skb);
            frags -= n;
        }
    }

    /// <summary>Turns each DMABUF cmsg's token into one dmabuf_token range; returns the optlen.</summary>
    public static int CollectTokens(ReadOnlySpan<byte> control, Span<byte> tokens)
    {
        var reader = new ControlMessageReader(control);
        Span<DmabufToken> ranges = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, DmabufToken>(tokens);
        int count = 0;
        while (reader.TryRead(out ControlMessage message))
        {
            if (message.Type == DevmemUapi.ScmDevmemDmabuf && message.TryGetDmabufCmsg(out DmabufCmsg cmsg))
            {
                ranges[count++] = DmabufToken.One(cmsg.FragToken);
            }
        }

        return count * DmabufToken.Size;
    }

    public static int ReturnAll(DevmemReceiver receiver, ReadOnlySpan<byte> control, Span<byte> tokens)
    {
        int optlen = CollectTokens(control, tokens);
        return receiver.SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.SoDevmemDontneed, tokens[..optlen]);
    }
}
