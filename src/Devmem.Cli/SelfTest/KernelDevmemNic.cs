using Devmem.Kernel.DmaBufs;
using Devmem.Kernel.Ethtool;
using Devmem.Kernel.Netdev;
using Devmem.Uapi;

namespace Devmem.Cli.SelfTest;

/// <summary>
/// A real NIC under ncdevmem's self-tests, through ethtool netlink and the netdev family, with a udmabuf as
/// the test's dma-buf. The rings and channels found at the start are restored on dispose, as ncdevmem does.
/// </summary>
internal sealed class KernelDevmemNic : IDevmemNic
{
    private readonly string _device;
    private readonly int _ifindex;
    private readonly EthtoolClient _ethtool;
    private readonly NetdevClient _netdev;
    private readonly Udmabuf _dmaBuf;
    private readonly EthtoolRings _rings;
    private readonly EthtoolChannels _channels;
    private NetdevDmabufBinding? _binding;

    public KernelDevmemNic(string device, int ifindex, long dmaBufBytes)
    {
        _device = device;
        _ifindex = ifindex;
        _dmaBuf = Udmabuf.TryCreate(dmaBufBytes, out Udmabuf? created, out string reason, "ncdevmem-selftest")
            ? created
            : throw new DevmemException(Errno.ENODEV, $"no dma-buf for the self-tests: {reason}");
        try
        {
            _ethtool = EthtoolClient.Open();
            _netdev = NetdevClient.Open();
            _rings = _ethtool.GetRings(device);
            _channels = _ethtool.GetChannels(device);
        }
        catch
        {
            _dmaBuf.Dispose();
            _ethtool?.Dispose();
            throw;
        }
    }

    public int RxQueues => (int)_ethtool.GetChannels(_device).RxQueues;

    public void SetHeaderSplit(bool enabled) =>
        _ethtool.SetRings(_device, new EthtoolRingsChange(TcpDataSplit: enabled ? EthtoolTcpDataSplit.Enabled : EthtoolTcpDataSplit.Disabled, HdsThresh: enabled ? 0 : null));

    public void BindRx(IReadOnlyList<int> queues) =>
        _binding = _netdev.BindRx(_ifindex, _dmaBuf.Fd, [.. queues.Select(q => new NetdevQueueId(NetdevQueueType.Rx, (uint)q))]);

    // Devices with only combined channels (most) take the count there.
    public void SetRxQueues(int count) =>
        _ethtool.SetChannels(_device, _channels.CombinedCount is > 0 ? new EthtoolChannelsChange(Combined: (uint)count) : new EthtoolChannelsChange(Rx: (uint)count));

    public void Unbind()
    {
        _binding?.Dispose();
        _binding = null;
    }

    public void Dispose()
    {
        Unbind();
        var rings = new EthtoolRingsChange(TcpDataSplit: _rings.TcpDataSplit, HdsThresh: _rings.HdsThresh);
        if (!rings.IsEmpty)
        {
            _ethtool.SetRings(_device, rings);
        }

        _ethtool.SetChannels(_device, EthtoolChannelsChange.RestoreOf(_channels));
        _netdev.Dispose();
        _ethtool.Dispose();
        _dmaBuf.Dispose();
    }
}
