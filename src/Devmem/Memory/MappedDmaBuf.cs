using System.Runtime.InteropServices;

namespace Devmem.Memory;

/// <summary>
/// A dma-buf mapped into this process (Linux: <c>dma_buf_vmap()</c>): the CPU reaches it through a
/// pointer, so spans, writes and reads are plain memory accesses.
/// </summary>
/// <remarks>
/// The mapping is held by a <see cref="SafeHandle"/> so that a forgotten <see cref="DmaBuf.Dispose()"/>
/// still returns the memory when the object is collected, and the pointer is read once because the
/// mapping never moves.
/// </remarks>
public abstract unsafe class MappedDmaBuf : DmaBuf
{
    private readonly SafeHandle _mapping;
    private readonly byte* _base;

    private protected MappedDmaBuf(string name, long size, SafeHandle mapping)
        : base(name, size)
    {
        _mapping = mapping;
        _base = (byte*)mapping.DangerousGetHandle();
    }

    /// <inheritdoc/>
    public override bool IsHostVisible => true;

    /// <inheritdoc/>
    protected override Span<byte> GetSpanCore(long offset, int length) => new(_base + offset, length);

    /// <inheritdoc/>
    protected override void WriteCore(long offset, ReadOnlySpan<byte> source) =>
        source.CopyTo(new Span<byte>(_base + offset, source.Length));

    /// <inheritdoc/>
    protected override void ReadCore(long offset, Span<byte> destination) =>
        new ReadOnlySpan<byte>(_base + offset, destination.Length).CopyTo(destination);

    /// <inheritdoc/>
    protected override void FreeMemory() => _mapping.Dispose();
}
