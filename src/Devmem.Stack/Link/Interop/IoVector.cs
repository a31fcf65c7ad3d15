using System.Runtime.InteropServices;

namespace Devmem.Stack.Link.Interop;

/// <summary><c>struct iovec</c>: a base address and a length (16 bytes on LP64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVector
{
    public void* Base;
    public nuint Length;
}
