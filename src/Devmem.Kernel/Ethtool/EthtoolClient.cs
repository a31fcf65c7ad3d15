using Devmem.Kernel.Ethtool.Uapi;
using Devmem.Kernel.GenericNetlink;
using Devmem.Kernel.Namespaces;
using Devmem.Kernel.Netlink;
using Devmem.Uapi;

namespace Devmem.Kernel.Ethtool;

/// <summary>
/// The kernel's <c>ethtool</c> generic netlink family (Documentation/netlink/specs/ethtool.yaml), the parts
/// devmem TCP configures: ring parameters (header-data split and its threshold) and channel counts.
/// Devices are named by interface name in the request header (<c>ETHTOOL_A_HEADER_DEV_NAME</c>).
/// </summary>
/// <remarks>
/// The socket belongs to the namespace it was opened in, so names are that namespace's. Not thread-safe.
/// Failures are <see cref="DevmemException"/>s with the errno, the kernel's extended-ACK message and what to do.
/// </remarks>
public sealed class EthtoolClient : IDisposable
{
    /// <summary><c>ETHTOOL_FAMILY_NAME</c>.</summary>
    public const string FamilyName = "ethtool";

    private readonly GenericNetlinkClient _client;

    private EthtoolClient(GenericNetlinkClient client) => _client = client;

    /// <summary>The family as this kernel registered it.</summary>
    public GenericNetlinkFamily Family => _client.Family;

    /// <summary>Opens a client in the calling thread's network namespace.</summary>
    /// <exception cref="DevmemException">ENOENT: the kernel was built without ethtool netlink (CONFIG_ETHTOOL_NETLINK).</exception>
    public static EthtoolClient Open() => new(GenericNetlinkClient.Open(FamilyName));

    /// <summary>Opens a client whose socket lives in <paramref name="networkNamespace"/>.</summary>
    public static EthtoolClient Open(NetworkNamespace networkNamespace)
    {
        ArgumentNullException.ThrowIfNull(networkNamespace);
        return new(networkNamespace.Run(() => GenericNetlinkClient.Open(FamilyName)));
    }

    /// <summary>rings-get: what <c>ethtool -g DEV</c> shows.</summary>
    public EthtoolRings GetRings(string device)
    {
        Begin(EthtoolMessage.RingsGet, EthtoolRingsAttribute.Header, device);
        return _client.Do(EthtoolRings.Parse, Errors(EthtoolMessage.RingsGet, device));
    }

    /// <summary>rings-set: what <c>ethtool -G DEV ...</c> does; only the non-null members are sent.</summary>
    public void SetRings(string device, EthtoolRingsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        NetlinkMessageWriter request = Begin(EthtoolMessage.RingsSet, EthtoolRingsAttribute.Header, device);
        EncodeRings(request, change);
        _client.Execute(Errors(EthtoolMessage.RingsSet, device));
    }

    /// <summary>channels-get: what <c>ethtool -l DEV</c> shows.</summary>
    public EthtoolChannels GetChannels(string device)
    {
        Begin(EthtoolMessage.ChannelsGet, EthtoolChannelsAttribute.Header, device);
        return _client.Do(EthtoolChannels.Parse, Errors(EthtoolMessage.ChannelsGet, device));
    }

    /// <summary>channels-set: what <c>ethtool -L DEV ...</c> does; only the non-null members are sent.</summary>
    public void SetChannels(string device, EthtoolChannelsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        NetlinkMessageWriter request = Begin(EthtoolMessage.ChannelsSet, EthtoolChannelsAttribute.Header, device);
        EncodeChannels(request, change);
        _client.Execute(Errors(EthtoolMessage.ChannelsSet, device));
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _client.Dispose();

    /// <summary>Writes the request header nest every ethtool request starts with: the device by name.</summary>
    internal static void EncodeHeader(NetlinkMessageWriter request, ushort headerType, string device)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        int nest = request.BeginNested(headerType);
        request.PutString(EthtoolHeaderAttribute.DevName, device);
        request.EndNested(nest);
    }

    /// <summary>The rings-set attributes after the header.</summary>
    internal static void EncodeRings(NetlinkMessageWriter request, EthtoolRingsChange change)
    {
        PutIfSet(request, EthtoolRingsAttribute.Rx, change.Rx);
        PutIfSet(request, EthtoolRingsAttribute.Tx, change.Tx);
        if (change.TcpDataSplit is EthtoolTcpDataSplit split)
        {
            request.PutU8(EthtoolRingsAttribute.TcpDataSplit, (byte)split);
        }

        PutIfSet(request, EthtoolRingsAttribute.HdsThresh, change.HdsThresh);
    }

    /// <summary>The channels-set attributes after the header.</summary>
    internal static void EncodeChannels(NetlinkMessageWriter request, EthtoolChannelsChange change)
    {
        PutIfSet(request, EthtoolChannelsAttribute.RxCount, change.Rx);
        PutIfSet(request, EthtoolChannelsAttribute.TxCount, change.Tx);
        PutIfSet(request, EthtoolChannelsAttribute.OtherCount, change.Other);
        PutIfSet(request, EthtoolChannelsAttribute.CombinedCount, change.Combined);
    }

    private static void PutIfSet(NetlinkMessageWriter request, ushort type, uint? value)
    {
        if (value is uint v)
        {
            request.PutU32(type, v);
        }
    }

    private static NetlinkErrorContext Errors(byte command, string device) =>
        new($"ethtool {EthtoolMessage.Name(command)} ({device})", ack => EthtoolErrorAdvice.Netlink(ack, command), EthtoolAttributeNames.For(command));

    private NetlinkMessageWriter Begin(byte command, ushort headerType, string device)
    {
        NetlinkMessageWriter request = _client.BeginRequest(command);
        EncodeHeader(request, headerType, device);
        return request;
    }
}
