namespace Devmem;

/// <summary>
/// One record of a device-memory receive, in stream order: the typed form of one devmem cmsg.
/// <list type="bullet">
/// <item>A device fragment (<c>SCM_DEVMEM_DMABUF</c>): <see cref="Size"/> bytes at byte <see cref="Offset"/>
/// of the dma-buf bound as <see cref="DmabufId"/> (ids start at 1). Hand the range to the device, then return
/// <see cref="Token"/> (SO_DEVMEM_DONTNEED) so the memory can be reused.</item>
/// <item>A linear record (<c>SCM_DEVMEM_LINEAR</c>, <see cref="IsLinear"/>): <see cref="Size"/> bytes the header
/// split left in host memory, copied to <see cref="Offset"/> of the caller's linear buffer. It has no dma-buf
/// (<see cref="DmabufId"/> 0) and no token (0, which SO_DEVMEM_DONTNEED ignores).</item>
/// </list>
/// </summary>
public readonly record struct DevmemFragment(uint DmabufId, ulong Offset, uint Size, uint Token)
{
    /// <summary>True for bytes copied into the caller's linear buffer rather than left in device memory.</summary>
    public bool IsLinear => DmabufId == 0;

    /// <summary>A linear record of <paramref name="size"/> bytes at <paramref name="linearOffset"/> of the linear buffer.</summary>
    public static DevmemFragment Linear(int linearOffset, int size) => new(0, (ulong)linearOffset, (uint)size, 0);
}
