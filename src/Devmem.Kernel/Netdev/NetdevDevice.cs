using Devmem.Kernel.Netdev.Uapi;
using Devmem.Kernel.Netlink;

namespace Devmem.Kernel.Netdev;

/// <summary>A network device as dev-get describes it.</summary>
/// <param name="Ifindex">The interface index, unique within its network namespace.</param>
/// <param name="XdpFeatures">What XDP the driver supports.</param>
/// <param name="XdpZeroCopyMaxSegments">Most buffers an AF_XDP zero-copy frame may span (absent: 0).</param>
/// <param name="XdpRxMetadata">Receive metadata an XDP program can read.</param>
/// <param name="XskFeatures">AF_XDP transmit metadata features.</param>
public sealed record NetdevDevice(
    int Ifindex,
    NetdevXdpFeatures XdpFeatures,
    uint XdpZeroCopyMaxSegments,
    NetdevXdpRxMetadata XdpRxMetadata,
    NetdevXskFeatures XskFeatures)
{
    internal static NetdevDevice Parse(NetlinkAttributeReader attributes)
    {
        int ifindex = 0;
        ulong xdp = 0, rxMetadata = 0, xsk = 0;
        uint zeroCopySegments = 0;
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            switch (attribute.Type)
            {
                case NetdevDevAttribute.Ifindex:
                    ifindex = (int)attribute.GetU32();
                    break;
                case NetdevDevAttribute.XdpFeatures:
                    xdp = attribute.GetU64();
                    break;
                case NetdevDevAttribute.XdpZeroCopyMaxSegments:
                    zeroCopySegments = attribute.GetU32();
                    break;
                case NetdevDevAttribute.XdpRxMetadataFeatures:
                    rxMetadata = attribute.GetU64();
                    break;
                case NetdevDevAttribute.XskFeatures:
                    xsk = attribute.GetU64();
                    break;
                default:
                    break;
            }
        }

        attributes.ThrowIfMalformed("netdev dev-get reply");
        return new NetdevDevice(ifindex, (NetdevXdpFeatures)xdp, zeroCopySegments, (NetdevXdpRxMetadata)rxMetadata, (NetdevXskFeatures)xsk);
    }
}
