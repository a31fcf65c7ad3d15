using System.Runtime.InteropServices;
using Devmem.Uapi;

namespace Devmem.Cli.Ncdevmem;

/// <summary>
/// if_nametoindex(3), as ncdevmem resolves <c>-f</c>: it asks the kernel through a socket, so it answers for the
/// calling thread's network namespace (sysfs shows the namespace it was mounted in).
/// </summary>
internal static partial class InterfaceIndex
{
    public static int Of(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        uint index = if_nametoindex(name);
        return index != 0
            ? (int)index
            : throw new DevmemException(Errno.ENODEV, $"interface {name} does not exist (ip link lists them)");
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint if_nametoindex(string name);
}
