using System.Runtime.InteropServices;
using Devmem.Uapi;
using Microsoft.Win32.SafeHandles;

namespace Devmem.Memory;

/// <summary>
/// The libc calls behind <see cref="MemfdDmaBuf"/>, and the one way their failures become exceptions.
/// </summary>
/// <remarks>Constants are the Linux generic values (include/uapi/linux/memfd.h, fcntl.h, mman-common.h).</remarks>
internal static partial class MemfdSyscalls
{
    internal const uint MFD_CLOEXEC = 0x0001;
    internal const uint MFD_ALLOW_SEALING = 0x0002;

    internal const int F_DUPFD_CLOEXEC = 1030;
    internal const int F_ADD_SEALS = 1033;
    internal const int F_GET_SEALS = 1034;
    internal const int F_SEAL_SHRINK = 0x0002;

    internal const int PROT_READ = 0x1;
    internal const int PROT_WRITE = 0x2;
    internal const int MAP_SHARED = 0x01;

    private const nint MapFailed = -1;

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    internal static partial int Ftruncate(SafeFileHandle fd, long length);

    // fcntl is variadic in C; with one int argument the LP64 calling conventions on x86-64 and arm64
    // Linux pass it exactly as a fixed parameter.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(SafeFileHandle fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, SafeFileHandle fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    internal static partial int Munmap(nint address, nuint length);

    /// <summary>A new memfd that can be sealed and is closed on exec.</summary>
    internal static SafeFileHandle CreateMemfd(string name)
    {
        int fd = MemfdCreate(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw LastError($"memfd_create(\"{name}\")");
    }

    internal static void Truncate(SafeFileHandle fd, long length)
    {
        if (Ftruncate(fd, length) != 0)
        {
            throw LastError($"ftruncate(memfd, {length})");
        }
    }

    internal static void AddSeals(SafeFileHandle fd, int seals)
    {
        if (Fcntl(fd, F_ADD_SEALS, seals) != 0)
        {
            throw LastError($"fcntl(memfd, F_ADD_SEALS, 0x{seals:x})");
        }
    }

    /// <summary>The seals on <paramref name="fd"/>; EINVAL here means it is not a sealable memfd.</summary>
    internal static int GetSeals(SafeFileHandle fd)
    {
        int seals = Fcntl(fd, F_GET_SEALS, 0);
        return seals >= 0 ? seals : throw LastError("fcntl(fd, F_GET_SEALS) (is it a memfd?)");
    }

    /// <summary>A second descriptor for the same open file, closed on exec.</summary>
    internal static SafeFileHandle Duplicate(SafeFileHandle fd)
    {
        int copy = Fcntl(fd, F_DUPFD_CLOEXEC, 0);
        return copy >= 0 ? new SafeFileHandle(copy, ownsHandle: true) : throw LastError("fcntl(fd, F_DUPFD_CLOEXEC)");
    }

    /// <summary>Maps the first <paramref name="length"/> bytes of <paramref name="fd"/> shared, read-write.</summary>
    internal static MemoryMappingHandle MapShared(SafeFileHandle fd, long length)
    {
        nint address = Mmap(0, (nuint)length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        return address != MapFailed
            ? new MemoryMappingHandle(address, (nuint)length)
            : throw LastError($"mmap({length} bytes, PROT_READ|PROT_WRITE, MAP_SHARED)");
    }

    /// <summary>The failure of the last call, as the project's errno-carrying exception.</summary>
    private static DevmemException LastError(string call) =>
        new((Errno)Marshal.GetLastPInvokeError(), $"{call} failed.");
}
