using System.Diagnostics.CodeAnalysis;

namespace Devmem.Memory;

/// <summary>
/// Where a <see cref="PagePool"/> gets its buffers (Linux <c>struct memory_provider_ops</c>:
/// <c>alloc_netmems</c> and <c>release_netmem</c>). Host pages give readable memory; a dma-buf binding
/// gives device memory, which is how a bound RX queue lands payload in the dma-buf.
/// </summary>
/// <remarks>
/// The page pool is the only expected caller. Both calls may come from any thread and must not allocate.
/// </remarks>
public interface IMemoryProvider
{
    /// <summary>Takes one free chunk, or returns false when none is left or the provider is closed.</summary>
    bool TryAllocate([MaybeNullWhen(false)] out NetIov netIov);

    /// <summary>Returns a chunk taken with <see cref="TryAllocate"/>, with no references left on it.</summary>
    /// <exception cref="InvalidOperationException">The chunk is not this provider's, or is already free.</exception>
    void Release(NetIov netIov);
}
