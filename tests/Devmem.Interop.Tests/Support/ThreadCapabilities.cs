using System.Runtime.InteropServices;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// Drops a capability from the calling thread only. capset(2): "the calling thread's capability sets" —
/// Linux capabilities are per-thread, so a test can be root everywhere but on one dedicated thread.
/// </summary>
internal static unsafe partial class ThreadCapabilities
{
    /// <summary>CAP_NET_ADMIN (linux/capability.h).</summary>
    public const int NetAdmin = 12;

    // _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set.
    private const uint Version3 = 0x20080522;

    /// <summary>Clears <paramref name="capability"/> from this thread's effective set; throws when the kernel refuses.</summary>
    public static void DropEffective(int capability)
    {
        var header = new Header { Version = Version3, Pid = 0 };
        Data* data = stackalloc Data[2];
        if (Capget(&header, data) != 0)
        {
            throw new InvalidOperationException($"capget failed: errno {Marshal.GetLastPInvokeError()}");
        }

        data[capability / 32].Effective &= ~(1u << (capability % 32));
        if (Capset(&header, data) != 0)
        {
            throw new InvalidOperationException($"capset failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "capget", SetLastError = true)]
    private static partial int Capget(Header* header, Data* data);

    [LibraryImport("libc", EntryPoint = "capset", SetLastError = true)]
    private static partial int Capset(Header* header, Data* data);

    [StructLayout(LayoutKind.Sequential)]
    private struct Header
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Data
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }
}
