using System.Runtime.InteropServices;

namespace Devmem.Stack.Link.Interop;

/// <summary><c>struct pollfd</c>: <c>{ int fd; short events; short revents; }</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollDescriptor
{
    public int Fd;
    public short Events;
    public short ReturnedEvents;
}
