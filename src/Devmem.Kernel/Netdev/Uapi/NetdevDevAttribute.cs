namespace Devmem.Kernel.Netdev.Uapi;

/// <summary>The <c>dev</c> attribute set (<c>NETDEV_A_DEV_*</c>).</summary>
internal static class NetdevDevAttribute
{
    public const ushort Ifindex = 1;
    public const ushort Pad = 2;
    public const ushort XdpFeatures = 3;
    public const ushort XdpZeroCopyMaxSegments = 4;
    public const ushort XdpRxMetadataFeatures = 5;
    public const ushort XskFeatures = 6;
}
