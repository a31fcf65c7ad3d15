using Devmem.Stack.Link;
using Devmem.Uapi;

namespace Devmem.Cli.Links;

/// <summary>
/// Resolves <c>-f IFNAME</c> against the machine's interfaces. Until the TAP and AF_PACKET links exist it
/// can only say precisely why a name cannot be opened: it does not exist, opening it needs privileges, or
/// the link kind is not built yet; each message points to <c>devmem demo</c>, which needs none of that.
/// </summary>
internal sealed class SystemLinkOpener(string sysClassNet = "/sys/class/net") : ILinkOpener
{
    public ILink Open(string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        if (interfaceName.Contains('/', StringComparison.Ordinal) || !Directory.Exists(Path.Combine(sysClassNet, interfaceName)))
        {
            throw new DevmemException(Errno.ENODEV, $"interface {interfaceName} does not exist (ip link lists them); to run without one, try `devmem demo`");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new DevmemException(Errno.EPERM, $"opening {interfaceName} needs CAP_NET_ADMIN: run as root, or try `devmem demo`");
        }

        throw new DevmemException(Errno.EOPNOTSUPP,
            $"{interfaceName} exists, but the user-space engine cannot drive kernel interfaces yet (TAP and AF_PACKET links are being built); try `devmem demo`");
    }
}
