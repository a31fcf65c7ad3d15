using Devmem.Stack.Link;
using Devmem.Stack.Link.Packet;
using Devmem.Stack.Link.Tap;
using Devmem.Uapi;

namespace Devmem.Cli.Links;

/// <summary>
/// Resolves <c>-f IFNAME</c> against the calling thread's network namespace, as the ncdevmem
/// equivalence asks: a TAP by that name is attached to (with TSO offloads), a name no interface has yet
/// becomes a new TAP, and any other interface (a veth end, a NIC) is driven through AF_PACKET rings. The
/// kernel's own refusals (no CAP_NET_ADMIN, a TAP held by another process) come back with what to do.
/// </summary>
/// <param name="sysClassNet">Where interfaces are listed (sysfs; a test may point elsewhere).</param>
internal sealed class SystemLinkOpener(string sysClassNet = "/sys/class/net") : ILinkOpener
{
    // IFNAMSIZ less the terminating NUL.
    private const int MaxNameLength = 15;

    public ILink Open(string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        if (interfaceName.Length > MaxNameLength || interfaceName.Contains('/', StringComparison.Ordinal) || interfaceName is "." or "..")
        {
            throw new DevmemException(Errno.ENODEV, $"interface {interfaceName} does not exist and cannot be created: names have at most {MaxNameLength} characters and no '/'");
        }

        string device = Path.Combine(sysClassNet, interfaceName);
        if (!Directory.Exists(device))
        {
            // ncdevmem needs an existing NIC; the user-space engine can bring its own: a TAP the kernel side
            // then addresses (ip addr add ... dev NAME).
            return TapLink.Open(new TapLinkOptions { Name = interfaceName });
        }

        // A TAP shows its flags in sysfs; everything else is a device we can only sit beside, like a NIC.
        return File.Exists(Path.Combine(device, "tun_flags"))
            ? TapLink.Open(new TapLinkOptions { Name = interfaceName, MustExist = true })
            : AfPacketLink.Open(interfaceName);
    }
}
