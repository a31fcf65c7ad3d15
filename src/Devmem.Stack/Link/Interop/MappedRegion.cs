using System.Runtime.InteropServices;

namespace Devmem.Stack.Link.Interop;

/// <summary>
/// A shared mapping of a kernel ring (a packet socket's RX and TX rings); releasing it is <c>munmap(2)</c>,
/// which needs the length, so the handle keeps it. Readers hold a reference while they touch the memory.
/// </summary>
internal sealed class MappedRegion : SafeHandle
{
    private readonly nuint _length;

    public MappedRegion(nint address, nuint length)
        : base(-1, ownsHandle: true)
    {
        SetHandle(address);
        _length = length;
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == -1 || handle == 0;

    /// <summary>The first byte; valid until the handle is released.</summary>
    public unsafe byte* Address => (byte*)handle;

    /// <summary>Bytes mapped.</summary>
    public nuint Length => _length;

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LinkSyscalls.Munmap(handle, _length) == 0;
}
