namespace Devmem.Cli.Transfer;

/// <summary>
/// Counts of a devmem receive, shared by every connection that adds to them (serve's many, demo's one) and
/// read by a progress display on another thread, hence the interlocked updates.
/// </summary>
internal sealed class ReceiveCounters
{
    private long _bytes;
    private long _deviceFragments;
    private long _linearBytes;
    private long _pageAlignedFragments;
    private long _tokensIssued;
    private long _tokensReturned;

    /// <summary>Stream bytes received, device and linear.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Device fragments received (ncdevmem's frags).</summary>
    public long DeviceFragments => Interlocked.Read(ref _deviceFragments);

    /// <summary>Bytes that came as linear records or readable data, not in device memory.</summary>
    public long LinearBytes => Interlocked.Read(ref _linearBytes);

    /// <summary>Device fragments whose size is a whole number of pages (ncdevmem's <c>page_aligned_frags</c>).</summary>
    public long PageAlignedFragments => Interlocked.Read(ref _pageAlignedFragments);

    /// <summary>The other device fragments (ncdevmem's <c>non_page_aligned_frags</c>).</summary>
    public long UnalignedFragments => DeviceFragments - PageAlignedFragments;

    /// <summary>Tokens handed out with device fragments.</summary>
    public long TokensIssued => Interlocked.Read(ref _tokensIssued);

    /// <summary>Tokens given back with SO_DEVMEM_DONTNEED.</summary>
    public long TokensReturned => Interlocked.Read(ref _tokensReturned);

    public void AddDeviceFragment(uint size)
    {
        Interlocked.Add(ref _bytes, size);
        Interlocked.Increment(ref _deviceFragments);
        Interlocked.Increment(ref _tokensIssued);
        if (size % Memory.Page.Size == 0)
        {
            Interlocked.Increment(ref _pageAlignedFragments);
        }
    }

    public void AddLinear(long bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _linearBytes, bytes);
    }

    public void AddTokensReturned(int count) => Interlocked.Add(ref _tokensReturned, count);
}
