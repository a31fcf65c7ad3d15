using Devmem.Kernel.Netdev;
using Devmem.Kernel.Netlink;
using Devmem.Kernel.Tests.Support;
using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Live;

/// <summary>
/// bind-rx and bind-tx against the live kernel, on the devices this machine has (veth, TAP, lo), with a memfd
/// standing in for the dma-buf: everything up to the binding itself runs, and each refusal is the kernel's.
/// </summary>
public class NetdevBindTests
{
    private const byte BindRxCommand = 13;

    public static TheoryData<string> Devices => new(TestNetworkNamespace.Devices.Where(d => d != TestNetworkNamespace.VethPeer));

    [Theory]
    [MemberData(nameof(Devices))]
    public void BindRx_DriverWithoutQueueManagement_IsEopnotsuppNamingIfindex(string device)
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        using var memfd = new MemfdDmaBuf(1 << 20);

        DevmemException error = Assert.Throws<DevmemException>(() => client.BindRx(ns.Ifindex(device), memfd.Fd, [NetdevQueueId.Rx(0)]));

        // netdev_nl_bind_rx_doit: !netdev_need_ops_lock(netdev) -> EOPNOTSUPP, NL_SET_BAD_ATTR(ifindex); no text.
        Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
        Assert.Contains("the kernel gave no message; it objected to attribute ifindex", error.Message, StringComparison.Ordinal);
        Assert.Contains("no queue management API", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BindRx_WithoutQueues_IsEinvalNamingTheMissingAttribute()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        using var memfd = new MemfdDmaBuf(1 << 20);

        DevmemException error = Assert.Throws<DevmemException>(() => client.BindRx(ns.Ifindex(TestNetworkNamespace.Veth), memfd.Fd, []));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("required attribute queues is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("give at least one RX queue", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BindRx_UnknownIfindex_IsEnodev()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        using var memfd = new MemfdDmaBuf(1 << 20);

        DevmemException error = Assert.Throws<DevmemException>(() => client.BindRx(int.MaxValue, memfd.Fd, [NetdevQueueId.Rx(0)]));
        Assert.Equal(Errno.ENODEV, error.Errno);
    }

    [Fact]
    public void BindRx_QueuesNestWithoutNlaFNested_IsRefusedByThePolicyWithItsMessage()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        using var memfd = new MemfdDmaBuf(1 << 20);
        using var raw = Namespaced(ns);
        NetlinkMessageWriter request = raw.BeginRequest(BindRxCommand);
        request.PutU32(1, (uint)ns.Ifindex(TestNetworkNamespace.Veth));
        request.PutU32(3, (uint)memfd.Fd.DangerousGetHandle());
        request.PutAttribute(2, [8, 0, 3, 0, 0, 0, 0, 0, 8, 0, 1, 0, 0, 0, 0, 0]);   // {type rx, id 0}, flag missing

        DevmemException error = Assert.Throws<DevmemException>(() =>
            raw.Execute(new NetlinkErrorContext("raw bind-rx", _ => "none", path => string.Join('/', path))));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("NLA_F_NESTED is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("attribute 2 (byte 36", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void BindTx_DriverWithoutNetmemTx_IsEopnotsuppWithTheKernelsMessage(string device)
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        using var memfd = new MemfdDmaBuf(1 << 20);

        DevmemException error = Assert.Throws<DevmemException>(() => client.BindTx(ns.Ifindex(device), memfd.Fd));
        Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
        Assert.Contains("the kernel says \"Driver does not support netmem TX\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailedBind_LeavesTheClientUsable()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        using NetdevClient client = NetdevClient.Open(ns.Handle);
        using var memfd = new MemfdDmaBuf(1 << 20);
        int veth = ns.Ifindex(TestNetworkNamespace.Veth);

        Assert.Throws<DevmemException>(() => client.BindRx(veth, memfd.Fd, [NetdevQueueId.Rx(0)]));
        Assert.Equal(veth, client.GetDevice(veth).Ifindex);
        Assert.False(memfd.Fd.IsClosed);
    }

    private static Devmem.Kernel.GenericNetlink.GenericNetlinkClient Namespaced(TestNetworkNamespace ns) =>
        ns.Handle.Run(() => Devmem.Kernel.GenericNetlink.GenericNetlinkClient.Open(NetdevClient.FamilyName));
}
