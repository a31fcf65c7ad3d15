namespace Devmem.Stack.Link.Tap;

/// <summary>
/// The TUN/TAP uAPI (include/uapi/linux/if_tun.h, linux/sockios.h, linux/if.h): ioctl numbers as
/// <c>_IOW('T', nr, int)</c> encodes them, and the flags this link sets.
/// </summary>
internal static class TunConstants
{
    /// <summary>The clone device every TAP is opened through.</summary>
    public const string CloneDevice = "/dev/net/tun";

    /// <summary><c>TUNSETIFF</c> = _IOW('T', 202, int): attach the file to a named device, creating it if missing.</summary>
    public const nuint TUNSETIFF = 0x400454ca;

    /// <summary><c>TUNSETOFFLOAD</c> = _IOW('T', 208, unsigned int): the TUN_F_* offloads the reader accepts (the value itself is the argument).</summary>
    public const nuint TUNSETOFFLOAD = 0x400454d0;

    /// <summary><c>TUNSETVNETHDRSZ</c> = _IOW('T', 216, int): the virtio-net header size, by pointer.</summary>
    public const nuint TUNSETVNETHDRSZ = 0x400454d8;

    /// <summary><c>IFF_TAP</c>: Ethernet frames, not IP packets.</summary>
    public const short IFF_TAP = 0x0002;

    /// <summary><c>IFF_NO_PI</c>: no 4-byte packet-information prefix.</summary>
    public const short IFF_NO_PI = 0x1000;

    /// <summary><c>IFF_VNET_HDR</c>: every read and write starts with a virtio-net header.</summary>
    public const short IFF_VNET_HDR = 0x4000;

    /// <summary><c>TUN_F_CSUM</c>: the reader takes frames with a partial checksum (NEEDS_CSUM).</summary>
    public const int TUN_F_CSUM = 0x01;

    /// <summary><c>TUN_F_TSO4</c>: the reader takes TCPv4 GSO frames; refused (EINVAL) without TUN_F_CSUM.</summary>
    public const int TUN_F_TSO4 = 0x02;

    /// <summary><c>TUN_F_TSO6</c>: the reader takes TCPv6 GSO frames; refused (EINVAL) without TUN_F_CSUM.</summary>
    public const int TUN_F_TSO6 = 0x04;

    /// <summary><c>SIOCGIFFLAGS</c>.</summary>
    public const nuint SIOCGIFFLAGS = 0x8913;

    /// <summary><c>SIOCSIFFLAGS</c>.</summary>
    public const nuint SIOCSIFFLAGS = 0x8914;

    /// <summary><c>IFF_UP</c> (linux/if.h, net_device_flags).</summary>
    public const short IFF_UP = 0x1;
}
