using System.Runtime.InteropServices;

namespace Devmem.Stack.Link.Interop;

/// <summary>
/// A file descriptor a link owns (a TAP's <c>/dev/net/tun</c> file, a packet socket, an eventfd); releasing
/// the handle is <c>close(2)</c>. SafeHandle reference counting keeps the number from being closed and reused
/// by another open while a read, write or poll on another thread still uses it.
/// </summary>
internal sealed class DescriptorHandle : SafeHandle
{
    /// <summary>An invalid handle, for the marshaller.</summary>
    public DescriptorHandle()
        : base(-1, ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public DescriptorHandle(int fd)
        : base(-1, ownsHandle: true)
    {
        SetHandle(fd);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle < 0;

    /// <summary>The number, for structures that carry it (<c>struct pollfd</c>); valid while a reference is held.</summary>
    public int Number => (int)handle;

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LinkSyscalls.Close((int)handle) == 0;
}
