namespace Devmem.Memory;

/// <summary>
/// A region of memory addressed by byte offset: what Linux calls a dma-buf. The NIC writes received
/// payload into it (its "DMA") and applications learn where through <c>(dmabuf_id, offset, size)</c>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Write"/> and <see cref="Read"/> are the device-copy seam every kind implements: for memory
/// mapped into this process they are plain copies; for memory that lives on a device (a GPU) they are the
/// device's copy engine, and <see cref="IsHostVisible"/> is false, so <see cref="GetSpan"/> refuses.
/// </para>
/// <para>
/// Lifetime follows Linux's dma-buf: the exporter's fd is one reference and every attachment takes its
/// own (<c>dma_buf_get()</c> in <c>net_devmem_bind_dmabuf()</c>). Disposing drops the creator's
/// reference; the memory is freed when the last one goes, so a binding whose chunks are still held by
/// applications keeps the memory valid even after its creator let go.
/// </para>
/// </remarks>
public abstract class DmaBuf : IDisposable
{
    // Starts at 1: the creator's reference, dropped by Dispose.
    private int _references = 1;
    private int _creatorReleased;

    /// <summary>Creates the bookkeeping for a region of <paramref name="size"/> bytes.</summary>
    protected DmaBuf(string name, long size)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Name = name;
        Size = size;
    }

    /// <summary>A name for diagnostics and leak reports.</summary>
    public string Name { get; }

    /// <summary>Bytes in the region.</summary>
    public long Size { get; }

    /// <summary>
    /// Whether the CPU can address the memory, i.e. whether <see cref="GetSpan"/> works. Device memory
    /// (a GPU's) is not: only <see cref="Write"/> and <see cref="Read"/> reach it.
    /// </summary>
    public abstract bool IsHostVisible { get; }

    /// <summary>Whether the memory is gone: every reference, the creator's included, was dropped.</summary>
    public bool IsFreed => Volatile.Read(ref _references) == 0;

    /// <summary>
    /// The bytes <c>[offset, offset + length)</c> as a span, for host-visible memory only.
    /// </summary>
    /// <exception cref="InvalidOperationException">The memory is device memory.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the region.</exception>
    public Span<byte> GetSpan(long offset, int length)
    {
        CheckAccess(offset, length);
        if (!IsHostVisible)
        {
            throw new InvalidOperationException(
                $"dma-buf '{Name}' is device memory that this process cannot address; " +
                "use Read and Write (the device's copy engine) instead of GetSpan.");
        }

        return GetSpanCore(offset, length);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the region at <paramref name="offset"/>: the NIC's DMA write.
    /// </summary>
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        CheckAccess(offset, source.Length);
        WriteCore(offset, source);
    }

    /// <summary>
    /// Copies bytes from the region at <paramref name="offset"/> into <paramref name="destination"/>, to
    /// validate what the device received.
    /// </summary>
    public void Read(long offset, Span<byte> destination)
    {
        CheckAccess(offset, destination.Length);
        ReadCore(offset, destination);
    }

    /// <summary>Drops the creator's reference; the memory goes when no binding holds it either.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => $"dma-buf '{Name}' ({Size} bytes)";

    /// <summary>Drops the creator's reference once, however often it is called.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _creatorReleased, 1) == 0)
        {
            ReleaseReference();
        }
    }

    /// <summary>The span for a checked range of host-visible memory.</summary>
    protected abstract Span<byte> GetSpanCore(long offset, int length);

    /// <summary>Copies into a checked range.</summary>
    protected abstract void WriteCore(long offset, ReadOnlySpan<byte> source);

    /// <summary>Copies out of a checked range.</summary>
    protected abstract void ReadCore(long offset, Span<byte> destination);

    /// <summary>Frees the memory; called exactly once, when the last reference drops.</summary>
    protected abstract void FreeMemory();

    /// <summary>
    /// Takes a reference for an attachment (a binding), as <c>dma_buf_get()</c> does.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The memory was already freed.</exception>
    internal void AddReference()
    {
        int current = Volatile.Read(ref _references);
        while (true)
        {
            ObjectDisposedException.ThrowIf(current == 0, this);
            int seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Drops a reference taken by <see cref="AddReference"/>; the last one frees the memory.</summary>
    internal void ReleaseReference()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            FreeMemory();
        }
        else if (left < 0)
        {
            throw new InvalidOperationException($"{this}: reference released more often than taken.");
        }
    }

    private void CheckAccess(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(IsFreed, this);

        // Unsigned compares reject negative offsets and lengths along with ranges past the end.
        if ((ulong)offset > (ulong)Size || (ulong)(long)length > (ulong)(Size - offset))
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset),
                $"range [{offset}, {offset} + {length}) is outside dma-buf '{Name}' of {Size} bytes.");
        }
    }
}
