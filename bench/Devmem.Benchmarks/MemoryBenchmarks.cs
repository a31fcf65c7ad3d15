using BenchmarkDotNet.Attributes;
using Devmem.Memory;

namespace Devmem.Benchmarks;

/// <summary>
/// The memory layer's data path: a chunk from a binding's free pool and back, and a page pool round trip
/// (allocate, then the last put recycles through the ring), alone and with a user token on top as in a
/// devmem receive. Target: tens of nanoseconds, 0 B allocated, and the same cost whatever the binding's
/// size (the free pool is a stack, not Linux genpool's first-fit bitmap).
/// </summary>
[MemoryDiagnoser]
public class MemoryBenchmarks
{
    private HostDmaBuf _dmaBuf = null!;
    private DmaBufBinding _binding = null!;
    private PagePool _pool = null!;

    /// <summary>Chunks in the binding: 1 MiB and 256 MiB of dma-buf.</summary>
    [Params(256, 65536)]
    public int Chunks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dmaBuf = new HostDmaBuf((long)Chunks * Page.Size, "bench");
        _binding = new DmaBufBinding(_dmaBuf, BindingDirection.Rx);
        _pool = new PagePool(_binding);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        _binding.Dispose();
        _dmaBuf.Dispose();
    }

    [Benchmark(Description = "binding chunk alloc+free")]
    public long BindingAllocateFree()
    {
        _binding.TryAllocate(out NetIov? netIov);
        _binding.Release(netIov!);
        return netIov!.DmaBufOffset;
    }

    [Benchmark(Description = "page pool alloc+put (recycle)")]
    public long PagePoolAllocatePut()
    {
        _pool.TryAllocate(out NetIov? netIov);
        netIov!.Put();
        return netIov.DmaBufOffset;
    }

    [Benchmark(Description = "page pool alloc+token get/put+put")]
    public long PagePoolAllocateWithUserToken()
    {
        _pool.TryAllocate(out NetIov? netIov);
        netIov!.GetForUser();
        netIov.Put();
        netIov.PutForUser();
        return netIov.DmaBufOffset;
    }
}
