using Devmem.Stack.Link.Interop;
using Devmem.Uapi;

namespace Devmem.Stack.Link.Tap;

/// <summary>
/// Opening a TAP the way QEMU and vhost do (Documentation/networking/tuntap.rst): open the clone device,
/// TUNSETIFF with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, then the header size and offloads. Every refusal
/// becomes a <see cref="DevmemException"/> that says what to do.
/// </summary>
internal static unsafe class TapDevice
{
    private const string NeedsAdmin = "needs CAP_NET_ADMIN: run as root, or try `devmem demo`";

    /// <summary>Attaches to (or creates) the device; the calling thread's network namespace is the device's.</summary>
    public static DescriptorHandle Attach(TapLinkOptions options, int vnetHeaderSize, out string name)
    {
        if (options.MustExist)
        {
            ArgumentException.ThrowIfNullOrEmpty(options.Name, nameof(options));
            if (LinkSyscalls.InterfaceIndex(options.Name) == 0)
            {
                throw new DevmemException(Errno.ENODEV,
                    $"no interface named '{options.Name}' in this network namespace: create it with `ip tuntap add mode tap name {options.Name}`");
            }
        }

        int fd = LinkSyscalls.Open(TunConstants.CloneDevice, LinkSyscalls.O_RDWR | LinkSyscalls.O_NONBLOCK | LinkSyscalls.O_CLOEXEC);
        if (fd < 0)
        {
            Errno errno = LinkSyscalls.LastErrno();
            throw new DevmemException(errno, errno == Errno.ENOENT
                ? $"{TunConstants.CloneDevice} is missing: the kernel needs CONFIG_TUN (modprobe tun)"
                : $"open({TunConstants.CloneDevice}) failed: {NeedsAdmin}");
        }

        var handle = new DescriptorHandle(fd);
        try
        {
            var request = new InterfaceRequest
            {
                Name = options.Name ?? string.Empty,
                Flags = TunConstants.IFF_TAP | TunConstants.IFF_NO_PI | TunConstants.IFF_VNET_HDR,
            };
            if (LinkSyscalls.Ioctl(handle, TunConstants.TUNSETIFF, (nint)(&request)) != 0)
            {
                throw AttachFailure(LinkSyscalls.LastErrno(), options.Name);
            }

            name = request.Name;
            int size = vnetHeaderSize;
            Check(LinkSyscalls.Ioctl(handle, TunConstants.TUNSETVNETHDRSZ, (nint)(&size)), $"TUNSETVNETHDRSZ {size} on {name}");

            // if_tun.h: TUNSETOFFLOAD takes the TUN_F_* bits as the argument itself; TSO without CSUM is EINVAL.
            // Set even when off: the offloads of a persistent device outlive whoever set them.
            nint offloads = options.Offloads ? TunConstants.TUN_F_CSUM | TunConstants.TUN_F_TSO4 | TunConstants.TUN_F_TSO6 : 0;
            Check(LinkSyscalls.Ioctl(handle, TunConstants.TUNSETOFFLOAD, offloads), $"TUNSETOFFLOAD 0x{offloads:x} on {name}");
            if (options.BringUp)
            {
                BringUp(name);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    // SIOCGIFFLAGS / SIOCSIFFLAGS with IFF_UP, on any socket of the namespace (netdevice(7)).
    private static void BringUp(string name)
    {
        int socket = LinkSyscalls.Socket(LinkSyscalls.AF_INET, LinkSyscalls.SOCK_DGRAM | LinkSyscalls.SOCK_CLOEXEC, 0);
        if (socket < 0)
        {
            throw new DevmemException(LinkSyscalls.LastErrno(), $"socket(AF_INET, SOCK_DGRAM) failed; cannot set {name} up");
        }

        using var control = new DescriptorHandle(socket);
        var request = new InterfaceRequest { Name = name };
        Check(LinkSyscalls.Ioctl(control, TunConstants.SIOCGIFFLAGS, (nint)(&request)), $"SIOCGIFFLAGS on {name}");
        request.Flags |= TunConstants.IFF_UP;
        Check(LinkSyscalls.Ioctl(control, TunConstants.SIOCSIFFLAGS, (nint)(&request)), $"SIOCSIFFLAGS IFF_UP on {name}");
    }

    // tun_set_iff(): an existing device that is not a TAP (or a TAP with other queue flags) is EINVAL; a
    // single-queue TAP another file is attached to is EBUSY; creating a device or attaching to one owned by
    // someone else without CAP_NET_ADMIN is EPERM.
    private static DevmemException AttachFailure(Errno errno, string? name)
    {
        string device = name is null ? "a new TAP device" : $"'{name}'";
        return errno switch
        {
            Errno.EPERM or Errno.EACCES => new DevmemException(Errno.EPERM, $"TUNSETIFF on {device} {NeedsAdmin}"),
            Errno.EINVAL => new DevmemException(Errno.EINVAL,
                $"interface {device} exists but is not a single-queue TAP device (a TUN, veth or physical device has the name): choose another name or delete it"),
            Errno.EBUSY => new DevmemException(Errno.EBUSY, $"TAP {device} is already attached to another file: close the other program or use another device"),
            _ => new DevmemException(errno, $"TUNSETIFF on {device} failed"),
        };
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            Errno errno = LinkSyscalls.LastErrno();
            throw new DevmemException(errno, errno == Errno.EPERM ? $"{what} {NeedsAdmin}" : $"{what} failed");
        }
    }
}
