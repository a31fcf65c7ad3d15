using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>Sends the solicitation of one resolution protocol: an ARP request or a Neighbor Solicitation.</summary>
internal interface INeighborSolicitor<TAddress>
    where TAddress : struct, IEquatable<TAddress>
{
    /// <summary>
    /// Asks who has <paramref name="target"/>: by broadcast or multicast when <paramref name="unicastTo"/>
    /// is null (resolution), or to that address (a probe of a stale entry).
    /// </summary>
    void Solicit(TAddress target, MacAddress? unicastTo, IFrameSink sink);
}
