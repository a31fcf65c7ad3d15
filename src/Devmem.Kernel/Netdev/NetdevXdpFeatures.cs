namespace Devmem.Kernel.Netdev;

/// <summary>XDP features of a device (<c>enum netdev_xdp_act</c>).</summary>
[Flags]
public enum NetdevXdpFeatures : ulong
{
    None = 0,

    /// <summary>XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX.</summary>
    Basic = 1,

    /// <summary>XDP_REDIRECT.</summary>
    Redirect = 2,

    /// <summary>Implements ndo_xdp_xmit.</summary>
    NdoXmit = 4,

    /// <summary>AF_XDP zero-copy.</summary>
    XskZeroCopy = 8,

    /// <summary>Offloads XDP programs to hardware.</summary>
    HardwareOffload = 16,

    /// <summary>Non-linear XDP buffers in the driver's NAPI poll.</summary>
    RxScatterGather = 32,

    /// <summary>Non-linear XDP buffers in ndo_xdp_xmit.</summary>
    NdoXmitScatterGather = 64,
}
