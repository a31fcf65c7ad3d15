using System.Globalization;
using Devmem.Kernel.Ethtool.Uapi;

namespace Devmem.Kernel.Ethtool;

/// <summary>
/// The names Documentation/netlink/specs/ethtool.yaml gives the attributes of each request, so an extended
/// ACK's offending attribute reads <c>header/dev-name</c> or <c>rx-count</c> rather than numbers.
/// </summary>
internal static class EthtoolAttributeNames
{
    private static readonly string[] Header = ["dev-index", "dev-name", "flags", "phy-index"];

    /// <summary>The namer for the request attributes of <paramref name="command"/>.</summary>
    public static Func<IReadOnlyList<ushort>, string> For(byte command) => command switch
    {
        EthtoolMessage.RingsGet or EthtoolMessage.RingsSet => static path => Name(path, EthtoolRingsAttribute.Names),
        _ => static path => Name(path, EthtoolChannelsAttribute.Names),
    };

    // Type 1 of every ethtool request is its header nest, whose members are the header attributes.
    private static string Name(IReadOnlyList<ushort> path, string[] top)
    {
        var names = new string[path.Count];
        for (int i = 0; i < path.Count; i++)
        {
            string[]? set = i == 0 ? top : path[0] == 1 ? Header : null;
            int index = path[i] - 1;
            names[i] = set is not null && index >= 0 && index < set.Length ? set[index] : path[i].ToString(CultureInfo.InvariantCulture);
        }

        return string.Join('/', names);
    }
}
