using Microsoft.Win32.SafeHandles;

namespace Devmem.Memory;

/// <summary>Owns a region from <c>mmap()</c>; <c>munmap()</c> needs the length, so the handle keeps it.</summary>
internal sealed class MemoryMappingHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly nuint _length;

    internal MemoryMappingHandle(nint address, nuint length)
        : base(ownsHandle: true)
    {
        SetHandle(address);
        _length = length;
    }

    protected override bool ReleaseHandle() => MemfdSyscalls.Munmap(handle, _length) == 0;
}
