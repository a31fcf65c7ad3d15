using Devmem.Kernel.Netdev.Uapi;
using Devmem.Kernel.Netlink;

namespace Devmem.Kernel.Netdev;

/// <summary>A NAPI instance (a device's poll context) as napi-get describes it.</summary>
/// <param name="Ifindex">The device.</param>
/// <param name="Id">The NAPI id (also what SO_INCOMING_NAPI_ID reports on sockets it serves).</param>
/// <param name="Irq">The interrupt it is tied to, if any.</param>
/// <param name="Pid">The polling kernel thread, when threaded.</param>
/// <param name="DeferHardIrqs">Empty polls before hardware interrupts are re-enabled.</param>
/// <param name="GroFlushTimeout">Nanoseconds before the NAPI watchdog flushes GRO.</param>
/// <param name="IrqSuspendTimeout">Nanoseconds interrupts stay suspended while busy polling finds events.</param>
/// <param name="Threaded">Whether it is polled by a kernel thread.</param>
public sealed record NetdevNapi(
    int Ifindex,
    uint Id,
    uint? Irq,
    uint? Pid,
    uint? DeferHardIrqs,
    ulong? GroFlushTimeout,
    ulong? IrqSuspendTimeout,
    NetdevNapiThreaded? Threaded)
{
    internal static NetdevNapi Parse(NetlinkAttributeReader attributes)
    {
        int ifindex = 0;
        uint id = 0;
        uint? irq = null, pid = null, defer = null, threaded = null;
        ulong? groFlush = null, irqSuspend = null;
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            switch (attribute.Type)
            {
                case NetdevNapiAttribute.Ifindex:
                    ifindex = (int)attribute.GetU32();
                    break;
                case NetdevNapiAttribute.Id:
                    id = attribute.GetU32();
                    break;
                case NetdevNapiAttribute.Irq:
                    irq = attribute.GetU32();
                    break;
                case NetdevNapiAttribute.Pid:
                    pid = attribute.GetU32();
                    break;
                case NetdevNapiAttribute.DeferHardIrqs:
                    defer = attribute.GetU32();
                    break;
                case NetdevNapiAttribute.GroFlushTimeout:
                    groFlush = attribute.GetUInt();
                    break;
                case NetdevNapiAttribute.IrqSuspendTimeout:
                    irqSuspend = attribute.GetUInt();
                    break;
                case NetdevNapiAttribute.Threaded:
                    threaded = attribute.GetU32();
                    break;
                default:
                    break;
            }
        }

        attributes.ThrowIfMalformed("netdev napi-get reply");
        return new NetdevNapi(ifindex, id, irq, pid, defer, groFlush, irqSuspend, (NetdevNapiThreaded?)threaded);
    }
}
