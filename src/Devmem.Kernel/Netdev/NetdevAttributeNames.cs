using Devmem.Kernel.Netdev.Uapi;

namespace Devmem.Kernel.Netdev;

/// <summary>
/// The names Documentation/netlink/specs/netdev.yaml gives the attributes of each request, so an extended
/// ACK's offending or missing attribute reads <c>queues/type</c> rather than <c>2/3</c>.
/// </summary>
internal static class NetdevAttributeNames
{
    private static readonly string[] Dev = ["ifindex", "pad", "xdp-features", "xdp-zc-max-segs", "xdp-rx-metadata-features", "xsk-features"];
    private static readonly string[] Queue = ["id", "ifindex", "type", "napi-id", "dmabuf", "io-uring", "xsk"];
    private static readonly string[] Napi = ["ifindex", "id", "irq", "pid", "defer-hard-irqs", "gro-flush-timeout", "irq-suspend-timeout", "threaded"];
    private static readonly string[] PagePool = ["id", "ifindex", "napi-id", "inflight", "inflight-mem", "detach-time", "dmabuf", "io-uring"];
    private static readonly string[] Qstats = ["ifindex", "queue-type", "queue-id", "scope"];
    private static readonly string[] Dmabuf = ["ifindex", "queues", "fd", "id"];

    /// <summary>The namer for the request attributes of <paramref name="command"/>.</summary>
    public static Func<IReadOnlyList<ushort>, string> For(byte command) => command switch
    {
        NetdevCommand.DevGet => static path => Name(path, Dev, null),
        NetdevCommand.QueueGet => static path => Name(path, Queue, null),
        NetdevCommand.NapiGet => static path => Name(path, Napi, null),
        NetdevCommand.PagePoolGet => static path => Name(path, PagePool, null),
        NetdevCommand.QstatsGet => static path => Name(path, Qstats, null),

        // bind-rx and bind-tx: the dmabuf set, whose queues nests hold queue-id entries (type, id).
        _ => static path => Name(path, Dmabuf, Queue),
    };

    private static string Name(IReadOnlyList<ushort> path, string[] top, string[]? nested)
    {
        var names = new string[path.Count];
        for (int i = 0; i < path.Count; i++)
        {
            string[]? set = i == 0 ? top : nested;
            int index = path[i] - 1;
            names[i] = set is not null && index >= 0 && index < set.Length ? set[index] : path[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return string.Join('/', names);
    }
}
