using System.Globalization;
using System.Runtime.InteropServices;
using Devmem.Kernel.GenericNetlink;
using Devmem.Kernel.Namespaces;
using Devmem.Kernel.Netdev.Uapi;
using Devmem.Kernel.Netlink;
using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Kernel.Netdev;

/// <summary>
/// The kernel's <c>netdev</c> generic netlink family (Documentation/netlink/specs/netdev.yaml): devices,
/// queues, NAPI instances, page pools, queue statistics, and the dma-buf bindings of devmem TCP.
/// </summary>
/// <remarks>
/// <para>Queries use this client's socket. Each binding gets a socket of its own, opened in the same network
/// namespace, because a binding lives exactly as long as the socket that created it.</para>
/// <para>Not thread-safe: one request at a time. Failures are <see cref="DevmemException"/>s carrying the
/// errno, the kernel's extended-ACK message and what to do.</para>
/// </remarks>
public sealed class NetdevClient : IDisposable
{
    /// <summary><c>NETDEV_FAMILY_NAME</c>.</summary>
    public const string FamilyName = "netdev";

    private readonly GenericNetlinkClient _client;
    private readonly NetworkNamespace? _namespace;

    private NetdevClient(GenericNetlinkClient client, NetworkNamespace? networkNamespace)
    {
        _client = client;
        _namespace = networkNamespace;
    }

    /// <summary>The family as this kernel registered it: its dynamic id, version and operations.</summary>
    public GenericNetlinkFamily Family => _client.Family;

    /// <summary>Opens a client in the calling thread's network namespace.</summary>
    /// <exception cref="DevmemException">ENOENT: the kernel has no netdev family (older than 6.5).</exception>
    public static NetdevClient Open() => new(GenericNetlinkClient.Open(FamilyName), null);

    /// <summary>
    /// Opens a client whose sockets live in <paramref name="networkNamespace"/> (which must stay open while the
    /// client binds): ifindexes are then those of that namespace.
    /// </summary>
    public static NetdevClient Open(NetworkNamespace networkNamespace)
    {
        ArgumentNullException.ThrowIfNull(networkNamespace);
        return new(networkNamespace.Run(() => GenericNetlinkClient.Open(FamilyName)), networkNamespace);
    }

    /// <summary>dev-get for one device.</summary>
    public NetdevDevice GetDevice(int ifindex)
    {
        _client.BeginRequest(NetdevCommand.DevGet).PutU32(NetdevDevAttribute.Ifindex, (uint)ifindex);
        return _client.Do(NetdevDevice.Parse, QueryErrors(NetdevCommand.DevGet, $"ifindex {ifindex}"));
    }

    /// <summary>dev-get dump: every device of the namespace.</summary>
    public IReadOnlyList<NetdevDevice> DumpDevices()
    {
        _client.BeginRequest(NetdevCommand.DevGet, dump: true);
        return _client.Dump(NetdevDevice.Parse, QueryErrors(NetdevCommand.DevGet, "dump"));
    }

    /// <summary>queue-get for one queue.</summary>
    public NetdevQueue GetQueue(int ifindex, NetdevQueueType type, uint id)
    {
        NetlinkMessageWriter request = _client.BeginRequest(NetdevCommand.QueueGet);
        request.PutU32(NetdevQueueAttribute.Ifindex, (uint)ifindex);
        request.PutU32(NetdevQueueAttribute.Type, (uint)type);
        request.PutU32(NetdevQueueAttribute.Id, id);
        return _client.Do(NetdevQueue.Parse, QueryErrors(NetdevCommand.QueueGet, $"ifindex {ifindex}, {type} queue {id}"));
    }

    /// <summary>
    /// queue-get dump: the active queues (RX then TX) of one device, or of every device when
    /// <paramref name="ifindex"/> is null. The kernel lists queues only of devices that are up.
    /// </summary>
    public IReadOnlyList<NetdevQueue> DumpQueues(int? ifindex = null)
    {
        NetlinkMessageWriter request = _client.BeginRequest(NetdevCommand.QueueGet, dump: true);
        if (ifindex is int index)
        {
            request.PutU32(NetdevQueueAttribute.Ifindex, (uint)index);
        }

        return _client.Dump(NetdevQueue.Parse, QueryErrors(NetdevCommand.QueueGet, DumpScope(ifindex)));
    }

    /// <summary>napi-get for one NAPI id.</summary>
    public NetdevNapi GetNapi(uint id)
    {
        _client.BeginRequest(NetdevCommand.NapiGet).PutU32(NetdevNapiAttribute.Id, id);
        return _client.Do(NetdevNapi.Parse, QueryErrors(NetdevCommand.NapiGet, $"napi id {id}"));
    }

    /// <summary>napi-get dump: the NAPI instances of one device, or of every device (up ones only).</summary>
    public IReadOnlyList<NetdevNapi> DumpNapis(int? ifindex = null)
    {
        NetlinkMessageWriter request = _client.BeginRequest(NetdevCommand.NapiGet, dump: true);
        if (ifindex is int index)
        {
            request.PutU32(NetdevNapiAttribute.Ifindex, (uint)index);
        }

        return _client.Dump(NetdevNapi.Parse, QueryErrors(NetdevCommand.NapiGet, DumpScope(ifindex)));
    }

    /// <summary>page-pool-get for one pool.</summary>
    public NetdevPagePool GetPagePool(ulong id)
    {
        // NLA_UINT: 4 bytes when the value fits, as nla_put_uint writes it.
        NetlinkMessageWriter request = _client.BeginRequest(NetdevCommand.PagePoolGet);
        if (id <= uint.MaxValue)
        {
            request.PutU32(NetdevPagePoolAttribute.Id, (uint)id);
        }
        else
        {
            request.PutU64(NetdevPagePoolAttribute.Id, id);
        }

        return _client.Do(NetdevPagePool.Parse, QueryErrors(NetdevCommand.PagePoolGet, $"page pool {id}"));
    }

    /// <summary>page-pool-get dump: every page pool of the namespace's devices (loopback's are not listed).</summary>
    public IReadOnlyList<NetdevPagePool> DumpPagePools()
    {
        _client.BeginRequest(NetdevCommand.PagePoolGet, dump: true);
        return _client.Dump(NetdevPagePool.Parse, QueryErrors(NetdevCommand.PagePoolGet, "dump"));
    }

    /// <summary>
    /// qstats-get (a dump only): per-device totals or per-queue counters, of one device or all. Devices whose
    /// driver keeps no queue statistics are left out.
    /// </summary>
    public IReadOnlyList<NetdevQueueStats> DumpQueueStats(int? ifindex = null, NetdevQstatsScope scope = NetdevQstatsScope.Device)
    {
        NetlinkMessageWriter request = _client.BeginRequest(NetdevCommand.QstatsGet, dump: true);
        if (ifindex is int index)
        {
            request.PutU32(NetdevQstatsAttribute.Ifindex, (uint)index);
        }

        if (scope != NetdevQstatsScope.Device)
        {
            request.PutU32(NetdevQstatsAttribute.Scope, (uint)scope);
        }

        return _client.Dump(NetdevQueueStats.Parse, QueryErrors(NetdevCommand.QstatsGet, $"{DumpScope(ifindex)}, {scope} scope"));
    }

    /// <summary>
    /// bind-rx: attaches the dma-buf <paramref name="dmabuf"/> to the RX <paramref name="queues"/> of device
    /// <paramref name="ifindex"/>, which restart with it as their memory provider. The request is sent as
    /// given (an empty queue list included) so that every refusal is the kernel's own.
    /// </summary>
    /// <returns>The binding; dispose it to unbind.</returns>
    /// <exception cref="DevmemException">The kernel refused: errno, its message and what to do.</exception>
    public NetdevDmabufBinding BindRx(int ifindex, SafeHandle dmabuf, ReadOnlySpan<NetdevQueueId> queues)
    {
        ArgumentNullException.ThrowIfNull(dmabuf);
        NetdevQueueId[] bound = queues.ToArray();
        return Bind(NetdevCommand.BindRx, ifindex, dmabuf, bound, BindingDirection.Rx);
    }

    /// <summary>
    /// bind-tx (Linux 6.16): attaches the dma-buf for transmit from device memory; sockets then name the
    /// returned binding's id in the SCM_DEVMEM_DMABUF cmsg of their MSG_ZEROCOPY sends.
    /// </summary>
    /// <returns>The binding; dispose it to unbind.</returns>
    /// <exception cref="DevmemException">The kernel refused: errno, its message and what to do.</exception>
    public NetdevDmabufBinding BindTx(int ifindex, SafeHandle dmabuf)
    {
        ArgumentNullException.ThrowIfNull(dmabuf);
        return Bind(NetdevCommand.BindTx, ifindex, dmabuf, [], BindingDirection.Tx);
    }

    /// <summary>Closes the query socket; bindings keep their own sockets.</summary>
    public void Dispose() => _client.Dispose();

    private static string DumpScope(int? ifindex) =>
        ifindex is int index ? string.Create(CultureInfo.InvariantCulture, $"dump of ifindex {index}") : "dump";

    private static NetlinkErrorContext QueryErrors(byte command, string what) =>
        new($"netdev {NetdevCommand.Name(command)} ({what})", ack => NetdevErrorAdvice.Query(ack, command), NetdevAttributeNames.For(command));

    private NetdevDmabufBinding Bind(byte command, int ifindex, SafeHandle dmabuf, NetdevQueueId[] queues, BindingDirection direction)
    {
        GenericNetlinkClient owner = _namespace is null
            ? GenericNetlinkClient.Open(FamilyName)
            : _namespace.Run(() => GenericNetlinkClient.Open(FamilyName));
        bool referenced = false;
        try
        {
            // The descriptor must stay open until the kernel has taken its own dma-buf reference (dma_buf_get).
            dmabuf.DangerousAddRef(ref referenced);
            int fd = (int)dmabuf.DangerousGetHandle();
            NetlinkMessageWriter request = owner.BeginRequest(command);
            request.PutU32(NetdevDmabufAttribute.Ifindex, (uint)ifindex);
            request.PutU32(NetdevDmabufAttribute.Fd, (uint)fd);
            foreach (NetdevQueueId queue in queues)
            {
                int nest = request.BeginNested(NetdevDmabufAttribute.Queues);
                request.PutU32(NetdevQueueAttribute.Type, (uint)queue.Type);
                request.PutU32(NetdevQueueAttribute.Id, queue.Id);
                request.EndNested(nest);
            }

            string operation = string.Create(
                CultureInfo.InvariantCulture,
                $"netdev {NetdevCommand.Name(command)} (ifindex {ifindex}, fd {fd}{(command == NetdevCommand.BindRx ? $", {queues.Length} queue(s)" : string.Empty)})");
            var errors = new NetlinkErrorContext(
                operation,
                command == NetdevCommand.BindRx ? NetdevErrorAdvice.BindRx : NetdevErrorAdvice.BindTx,
                NetdevAttributeNames.For(command));
            uint id = owner.Do(ParseBindingId, errors);
            return new NetdevDmabufBinding(owner, id, ifindex, direction, queues);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
        finally
        {
            if (referenced)
            {
                dmabuf.DangerousRelease();
            }
        }
    }

    private static uint ParseBindingId(NetlinkAttributeReader attributes)
    {
        uint? id = null;
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            if (attribute.Type == NetdevDmabufAttribute.Id)
            {
                id = attribute.GetU32();
            }
        }

        attributes.ThrowIfMalformed("netdev bind reply");
        return id ?? throw new DevmemException(Errno.EPROTO, "the kernel's bind reply carries no binding id (NETDEV_A_DMABUF_ID).");
    }
}
