using Devmem.Kernel.Ethtool.Uapi;
using Devmem.Kernel.Netlink;

namespace Devmem.Kernel.Ethtool;

/// <summary>
/// A device's ring parameters as rings-get describes them (<c>ETHTOOL_A_RINGS_*</c>,
/// include/uapi/linux/ethtool_netlink_generated.h); what <c>ethtool -g</c> prints. An absent value is one the
/// driver does not report.
/// </summary>
/// <param name="RxMax">Most RX ring entries.</param>
/// <param name="TxMax">Most TX ring entries.</param>
/// <param name="Rx">RX ring entries now.</param>
/// <param name="Tx">TX ring entries now.</param>
/// <param name="RxBufLen">Size of each RX buffer, in bytes.</param>
/// <param name="TcpDataSplit">Header-data split; devmem RX needs <see cref="EthtoolTcpDataSplit.Enabled"/>.</param>
/// <param name="HdsThresh">Payloads at most this long stay with the headers; devmem RX needs 0.</param>
/// <param name="HdsThreshMax">The largest threshold the driver accepts.</param>
public sealed record EthtoolRings(
    uint? RxMax,
    uint? TxMax,
    uint? Rx,
    uint? Tx,
    uint? RxBufLen,
    EthtoolTcpDataSplit? TcpDataSplit,
    uint? HdsThresh,
    uint? HdsThreshMax)
{
    internal static EthtoolRings Parse(NetlinkAttributeReader attributes)
    {
        uint? rxMax = null, txMax = null, rx = null, tx = null, bufLen = null, hds = null, hdsMax = null;
        EthtoolTcpDataSplit? split = null;
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            switch (attribute.Type)
            {
                case EthtoolRingsAttribute.RxMax:
                    rxMax = attribute.GetU32();
                    break;
                case EthtoolRingsAttribute.TxMax:
                    txMax = attribute.GetU32();
                    break;
                case EthtoolRingsAttribute.Rx:
                    rx = attribute.GetU32();
                    break;
                case EthtoolRingsAttribute.Tx:
                    tx = attribute.GetU32();
                    break;
                case EthtoolRingsAttribute.RxBufLen:
                    bufLen = attribute.GetU32();
                    break;
                case EthtoolRingsAttribute.TcpDataSplit:
                    split = (EthtoolTcpDataSplit)attribute.GetU8();
                    break;
                case EthtoolRingsAttribute.HdsThresh:
                    hds = attribute.GetU32();
                    break;
                case EthtoolRingsAttribute.HdsThreshMax:
                    hdsMax = attribute.GetU32();
                    break;
                default:
                    break;
            }
        }

        attributes.ThrowIfMalformed("ethtool rings-get reply");
        return new EthtoolRings(rxMax, txMax, rx, tx, bufLen, split, hds, hdsMax);
    }
}
