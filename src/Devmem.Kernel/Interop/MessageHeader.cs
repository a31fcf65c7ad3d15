using System.Runtime.InteropServices;

namespace Devmem.Kernel.Interop;

/// <summary>
/// <c>struct msghdr</c> as the C library passes it to recvmsg(2)/sendmsg(2) on LP64 Linux (56 bytes): the
/// <c>socklen_t</c> name length and the <c>int</c> flags are each followed by 4 bytes of padding.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MessageHeader
{
    public void* Name;
    public uint NameLength;
    public IoVector* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}
