using Devmem.Kernel.Netdev.Uapi;
using Devmem.Kernel.Netlink;

namespace Devmem.Kernel.Netdev;

/// <summary>A page pool (a receive queue's buffer cache) as page-pool-get describes it.</summary>
/// <param name="Id">The pool's id.</param>
/// <param name="Ifindex">Its device; absent for loopback and once the device is gone (an orphaned pool).</param>
/// <param name="NapiId">The NAPI instance it feeds, if linked.</param>
/// <param name="Inflight">Buffers handed out and not yet returned.</param>
/// <param name="InflightMemory">Bytes those buffers hold.</param>
/// <param name="DetachTime">When the device released the pool (seconds, CLOCK_BOOTTIME); present only for pools kept alive by in-flight buffers.</param>
/// <param name="DmabufId">The dma-buf binding that is its memory provider (devmem TCP), if any.</param>
/// <param name="HasIoUring">Whether an io_uring zero-copy receive area is its memory provider.</param>
public sealed record NetdevPagePool(
    ulong Id,
    int? Ifindex,
    ulong? NapiId,
    ulong? Inflight,
    ulong? InflightMemory,
    ulong? DetachTime,
    uint? DmabufId,
    bool HasIoUring)
{
    internal static NetdevPagePool Parse(NetlinkAttributeReader attributes)
    {
        ulong id = 0;
        int? ifindex = null;
        ulong? napi = null, inflight = null, inflightMemory = null, detach = null;
        uint? dmabuf = null;
        bool ioUring = false;
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            switch (attribute.Type)
            {
                case NetdevPagePoolAttribute.Id:
                    id = attribute.GetUInt();
                    break;
                case NetdevPagePoolAttribute.Ifindex:
                    ifindex = (int)attribute.GetU32();
                    break;
                case NetdevPagePoolAttribute.NapiId:
                    napi = attribute.GetUInt();
                    break;
                case NetdevPagePoolAttribute.Inflight:
                    inflight = attribute.GetUInt();
                    break;
                case NetdevPagePoolAttribute.InflightMemory:
                    inflightMemory = attribute.GetUInt();
                    break;
                case NetdevPagePoolAttribute.DetachTime:
                    detach = attribute.GetUInt();
                    break;
                case NetdevPagePoolAttribute.Dmabuf:
                    dmabuf = attribute.GetU32();
                    break;
                case NetdevPagePoolAttribute.IoUring:
                    ioUring = true;
                    break;
                default:
                    break;
            }
        }

        attributes.ThrowIfMalformed("netdev page-pool-get reply");
        return new NetdevPagePool(id, ifindex, napi, inflight, inflightMemory, detach, dmabuf, ioUring);
    }
}
