using Devmem.Memory;

namespace Devmem.Tests.Memory;

/// <summary>
/// Test double for memory the CPU cannot address (a GPU's): reachable only through Write and Read, which
/// here copy into sparse pages so that very large regions cost nothing until touched.
/// </summary>
internal sealed class DeviceOnlyDmaBuf(long size, string name = "device-only") : DmaBuf(name, size)
{
    private readonly Dictionary<long, byte[]> _pages = [];

    public bool Freed { get; private set; }

    public override bool IsHostVisible => false;

    protected override Span<byte> GetSpanCore(long offset, int length) =>
        throw new InvalidOperationException("unreachable: DmaBuf.GetSpan checks IsHostVisible first.");

    protected override void WriteCore(long offset, ReadOnlySpan<byte> source)
    {
        for (int i = 0; i < source.Length; i++)
        {
            PageOf(offset + i)[(offset + i) % Page.Size] = source[i];
        }
    }

    protected override void ReadCore(long offset, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = PageOf(offset + i)[(offset + i) % Page.Size];
        }
    }

    protected override void FreeMemory()
    {
        _pages.Clear();
        Freed = true;
    }

    private byte[] PageOf(long offset)
    {
        long page = offset / Page.Size;
        if (!_pages.TryGetValue(page, out byte[]? bytes))
        {
            bytes = new byte[Page.Size];
            _pages.Add(page, bytes);
        }

        return bytes;
    }
}
