using Devmem.Kernel.Netdev.Uapi;
using Devmem.Kernel.Netlink;

namespace Devmem.Kernel.Netdev;

/// <summary>A queue of a device as queue-get describes it.</summary>
/// <param name="Ifindex">The device.</param>
/// <param name="Type">RX or TX; each type numbers its queues from 0.</param>
/// <param name="Id">The queue's index.</param>
/// <param name="NapiId">The NAPI instance serving it, if the driver links one.</param>
/// <param name="DmabufId">The dma-buf binding attached to it (RX queues bound by bind-rx), if any.</param>
/// <param name="HasIoUring">Whether an io_uring zero-copy receive area is its memory provider.</param>
/// <param name="HasXsk">Whether an AF_XDP socket uses it.</param>
public sealed record NetdevQueue(
    int Ifindex,
    NetdevQueueType Type,
    uint Id,
    uint? NapiId,
    uint? DmabufId,
    bool HasIoUring,
    bool HasXsk)
{
    internal static NetdevQueue Parse(NetlinkAttributeReader attributes)
    {
        int ifindex = 0;
        uint type = 0, id = 0;
        uint? napi = null, dmabuf = null;
        bool ioUring = false, xsk = false;
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            switch (attribute.Type)
            {
                case NetdevQueueAttribute.Id:
                    id = attribute.GetU32();
                    break;
                case NetdevQueueAttribute.Ifindex:
                    ifindex = (int)attribute.GetU32();
                    break;
                case NetdevQueueAttribute.Type:
                    type = attribute.GetU32();
                    break;
                case NetdevQueueAttribute.NapiId:
                    napi = attribute.GetU32();
                    break;
                case NetdevQueueAttribute.Dmabuf:
                    dmabuf = attribute.GetU32();
                    break;
                case NetdevQueueAttribute.IoUring:
                    ioUring = true;
                    break;
                case NetdevQueueAttribute.Xsk:
                    xsk = true;
                    break;
                default:
                    break;
            }
        }

        attributes.ThrowIfMalformed("netdev queue-get reply");
        return new NetdevQueue(ifindex, (NetdevQueueType)type, id, napi, dmabuf, ioUring, xsk);
    }
}
