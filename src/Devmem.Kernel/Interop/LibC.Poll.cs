using System.Runtime.InteropServices;

namespace Devmem.Kernel.Interop;

/// <summary>poll(2), to wait on a descriptor the runtime may have switched to non-blocking mode.</summary>
internal static partial class LibC
{
    /// <summary><c>POLLIN</c>.</summary>
    internal const short POLLIN = 0x1;

    /// <summary><c>POLLOUT</c>.</summary>
    internal const short POLLOUT = 0x4;

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    internal static unsafe partial int Poll(PollDescriptor* descriptors, nuint count, int timeoutMilliseconds);
}
