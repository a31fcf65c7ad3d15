using System.Runtime.InteropServices;
using Devmem.Memory;
using Devmem.Receive;
using Devmem.Skb;
using Devmem.Uapi;

namespace Devmem.Tests.Receive;

/// <summary>
/// A bound dma-buf with its page pool, host pages for readable data, an skb pool and a receiver: what an
/// RX queue and a socket give the receive path. Builds skbs the way the NIC will (payload written once into
/// the chunk, one reference per frag) and rebuilds the stream from what a receive returned.
/// </summary>
internal sealed class ReceiveFixture : IDisposable
{
    private readonly MemoryLeakScope _leaks;
    private uint _nextSeq;

    public ReceiveFixture(int devicePages = 512, int hostPages = 64, uint initialSeq = 1000, TokenTable<HeldFragment>? tokens = null)
    {
        _leaks = MemoryLeakScope.Begin(nameof(ReceiveFixture));
        DmaBuf = new HostDmaBuf((long)devicePages * Page.Size, "test-dmabuf");
        Binding = new DmaBufBinding(DmaBuf, BindingDirection.Rx);
        DevicePool = new PagePool(Binding, name: "rx-device");
        HostPages = new HostPages(hostPages);
        HostPool = new PagePool(HostPages, name: "rx-host");
        Skbs = new SkbPool();
        Receiver = new DevmemReceiver(initialSeq, tokens);
        _nextSeq = initialSeq;
    }

    public HostDmaBuf DmaBuf { get; }

    public DmaBufBinding Binding { get; }

    public PagePool DevicePool { get; }

    public HostPages HostPages { get; }

    public PagePool HostPool { get; }

    public SkbPool Skbs { get; }

    public DevmemReceiver Receiver { get; }

    /// <summary>Every byte queued so far, in stream order: what the receiver must hand back.</summary>
    public List<byte> Sent { get; } = [];

    public NetIov AllocateDevice()
    {
        Assert.True(DevicePool.TryAllocate(out NetIov? netIov), "device page pool exhausted");
        return netIov;
    }

    public NetIov AllocateHost()
    {
        Assert.True(HostPool.TryAllocate(out NetIov? netIov), "host page pool exhausted");
        return netIov;
    }

    /// <summary>
    /// An skb of the next <paramref name="linear"/> + sum(frag sizes) stream bytes: linear bytes in host memory,
    /// each frag in its own fresh chunk (device or host) at the given offset. Not queued.
    /// </summary>
    public SkBuff BuildSkb(int linear, ReadOnlySpan<(int Offset, int Size)> frags, bool device = true, Func<int, byte>? pattern = null)
    {
        pattern ??= static i => (byte)(i * 7 + 3);
        SkBuff skb = Skbs.Rent();
        skb.Seq = _nextSeq;
        Span<byte> scratch = stackalloc byte[Page.Size];
        for (int i = 0; i < linear; i++)
        {
            scratch[i] = pattern(Sent.Count);
            Sent.Add(scratch[i]);
        }

        skb.AppendLinear(scratch[..linear]);
        foreach (var (offset, size) in frags)
        {
            NetIov netIov = device ? AllocateDevice() : AllocateHost();
            Span<byte> chunk = netIov.Span.Slice(offset, size);
            for (int i = 0; i < size; i++)
            {
                chunk[i] = pattern(Sent.Count);
                Sent.Add(chunk[i]);
            }

            // The page pool hands the chunk out with one reference, which the frag now owns (as a NIC's does).
            Assert.True(skb.TryAddFrag(netIov, offset, size));
        }

        _nextSeq = unchecked(_nextSeq + (uint)(linear + SumSizes(frags)));
        return skb;
    }

    /// <summary>Builds and queues an skb.</summary>
    public void Queue(int linear, ReadOnlySpan<(int Offset, int Size)> frags, bool device = true) =>
        Receiver.Enqueue(BuildSkb(linear, frags, device));

    /// <summary>Queues <paramref name="frags"/> device frags of <paramref name="size"/> bytes each, in skbs of up to 17.</summary>
    public void QueueDeviceFrags(int frags, int size = 100)
    {
        while (frags > 0)
        {
            int n = Math.Min(frags, SkBuff.MaxFrags);
            var shape = new (int, int)[n];
            Array.Fill(shape, (0, size));
            Queue(0, shape);
            frags -= n;
        }
    }

    /// <summary>Reads the device bytes a fragment names (the application's device copy-out).</summary>
    public byte[] ReadFragment(DevmemFragment fragment)
    {
        Assert.Equal(Binding.Id, fragment.DmabufId);
        byte[] bytes = new byte[fragment.Size];
        DmaBuf.Read((long)fragment.Offset, bytes);
        return bytes;
    }

    /// <summary>Parses a control buffer into (type, dmabuf_cmsg) pairs, failing on anything malformed.</summary>
    public static List<(int Type, DmabufCmsg Cmsg)> ParseControl(ReadOnlySpan<byte> control)
    {
        var result = new List<(int, DmabufCmsg)>();
        var reader = new ControlMessageReader(control);
        while (reader.TryRead(out ControlMessage message))
        {
            Assert.Equal(DevmemUapi.SolSocket, message.Level);
            Assert.True(message.TryGetDmabufCmsg(out DmabufCmsg cmsg));
            result.Add((message.Type, cmsg));
        }

        Assert.Equal(Errno.None, reader.Error);
        return result;
    }

    public int ReturnAll(IEnumerable<uint> tokens)
    {
        int freed = 0;
        foreach (uint token in tokens)
        {
            freed += Receiver.ReturnTokens([DmabufToken.One(token)]);
        }

        return freed;
    }

    public static byte[] TokenBytes(params DmabufToken[] tokens) => MemoryMarshal.AsBytes(tokens.AsSpan()).ToArray();

    /// <summary>Closes the socket, tears the queue's memory down, and asserts that nothing leaked.</summary>
    public void CloseAndAssertNoLeaks()
    {
        Receiver.Dispose();
        Assert.Equal(0, Receiver.TokensOutstanding);
        Assert.Equal(0, Skbs.InUse);
        Assert.Equal(0, Binding.HeldByUsers);
        DevicePool.Dispose();
        HostPool.Dispose();
        Binding.Dispose();
        HostPages.Dispose();
        _leaks.AssertNoLeaks();
    }

    public void Dispose()
    {
        Receiver.Dispose();
        DevicePool.Dispose();
        HostPool.Dispose();
        Binding.Dispose();
        HostPages.Dispose();
        DmaBuf.Dispose();
        _leaks.Dispose();
    }

    private static int SumSizes(ReadOnlySpan<(int Offset, int Size)> frags)
    {
        int sum = 0;
        foreach (var (_, size) in frags)
        {
            sum += size;
        }

        return sum;
    }
}
