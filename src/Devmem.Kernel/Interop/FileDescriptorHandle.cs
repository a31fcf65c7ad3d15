using System.Runtime.InteropServices;

namespace Devmem.Kernel.Interop;

/// <summary>
/// A Linux file descriptor this process owns (a netlink socket, <c>/dev/udmabuf</c>, a dma-buf, a namespace
/// file); releasing the handle is <c>close(2)</c>. SafeHandle reference counting keeps the number from being
/// closed and reused by another open while a system call is still using it.
/// </summary>
public sealed class FileDescriptorHandle : SafeHandle
{
    /// <summary>An invalid handle, for the marshaller.</summary>
    public FileDescriptorHandle()
        : base(-1, ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of <paramref name="fd"/>: disposing the handle closes it.</summary>
    public FileDescriptorHandle(int fd)
        : base(-1, ownsHandle: true)
    {
        SetHandle(fd);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle < 0;

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
