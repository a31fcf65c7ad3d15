using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Devmem.Memory;

/// <summary>Owns a block from <see cref="NativeMemory.AlignedAlloc"/>, and tells the GC its weight.</summary>
internal sealed unsafe class AlignedMemoryHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly long _bytes;

    private AlignedMemoryHandle(void* block, long bytes)
        : base(ownsHandle: true)
    {
        SetHandle((nint)block);
        _bytes = bytes;
        GC.AddMemoryPressure(bytes);
    }

    /// <summary>Allocates <paramref name="bytes"/> zeroed bytes aligned to <paramref name="alignment"/>.</summary>
    public static AlignedMemoryHandle AllocateZeroed(long bytes, int alignment)
    {
        void* block = NativeMemory.AlignedAlloc((nuint)bytes, (nuint)alignment);
        NativeMemory.Clear(block, (nuint)bytes);
        return new AlignedMemoryHandle(block, bytes);
    }

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        GC.RemoveMemoryPressure(_bytes);
        return true;
    }
}
