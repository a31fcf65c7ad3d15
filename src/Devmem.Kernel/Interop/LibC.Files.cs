using System.Runtime.InteropServices;

namespace Devmem.Kernel.Interop;

/// <summary>File, ioctl and namespace calls of the C library (x86-64 / arm64 Linux, LP64).</summary>
internal static partial class LibC
{
    /// <summary><c>O_RDONLY</c>.</summary>
    internal const int O_RDONLY = 0x0;

    /// <summary><c>O_RDWR</c>.</summary>
    internal const int O_RDWR = 0x2;

    /// <summary><c>O_CLOEXEC</c> (generic value, asm-generic/fcntl.h).</summary>
    internal const int O_CLOEXEC = 0x80000;

    /// <summary><c>CLONE_NEWNET</c> (include/uapi/linux/sched.h): the namespace type setns(2) expects.</summary>
    internal const int CLONE_NEWNET = 0x40000000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    // ioctl is variadic in C; a single pointer argument is passed exactly like a fixed parameter under the
    // x86-64 and arm64 Linux calling conventions.
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static unsafe partial int Ioctl(SafeHandle fd, nuint request, void* argument);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    internal static partial int Setns(SafeHandle fd, int namespaceType);

    /// <summary>The errno of the last call made with <c>SetLastError = true</c> on this thread.</summary>
    internal static Devmem.Uapi.Errno LastErrno() => (Devmem.Uapi.Errno)Marshal.GetLastPInvokeError();
}
