using Devmem.Stack.Wire;

namespace Devmem.Stack.Nic;

/// <summary>
/// What an <c>ethtool -N</c> rule matches: the 3-tuple (protocol, destination address, destination port),
/// or the 5-tuple with the source address and port as well, as ncdevmem installs
/// (<c>flow-type tcp6 src-ip S dst-ip D src-port P dst-port Q</c>). IPv4 addresses are held IPv4-mapped.
/// </summary>
public readonly record struct FlowMatch
{
    /// <summary>TCP over IPv4 or IPv6.</summary>
    public FlowType Type { get; init; }

    /// <summary><c>dst-ip</c> (IPv4-mapped for <see cref="FlowType.Tcp4"/>).</summary>
    public Ipv6Address Destination { get; init; }

    /// <summary><c>dst-port</c>.</summary>
    public ushort DestinationPort { get; init; }

    /// <summary>Whether <c>src-ip</c> and <c>src-port</c> are part of the match (a 5-tuple rule).</summary>
    public bool MatchesSource { get; init; }

    /// <summary><c>src-ip</c> when <see cref="MatchesSource"/> (IPv4-mapped for <see cref="FlowType.Tcp4"/>).</summary>
    public Ipv6Address Source { get; init; }

    /// <summary><c>src-port</c> when <see cref="MatchesSource"/>.</summary>
    public ushort SourcePort { get; init; }

    /// <summary><c>flow-type tcp4 dst-ip D dst-port Q</c>.</summary>
    public static FlowMatch Tcp4(Ipv4Address destination, ushort destinationPort) =>
        new() { Type = FlowType.Tcp4, Destination = FlowTuple.Map(destination), DestinationPort = destinationPort };

    /// <summary><c>flow-type tcp4 src-ip S dst-ip D src-port P dst-port Q</c>.</summary>
    public static FlowMatch Tcp4(Ipv4Address source, ushort sourcePort, Ipv4Address destination, ushort destinationPort) =>
        Tcp4(destination, destinationPort) with { MatchesSource = true, Source = FlowTuple.Map(source), SourcePort = sourcePort };

    /// <summary><c>flow-type tcp6 dst-ip D dst-port Q</c>.</summary>
    public static FlowMatch Tcp6(Ipv6Address destination, ushort destinationPort) =>
        new() { Type = FlowType.Tcp6, Destination = destination, DestinationPort = destinationPort };

    /// <summary><c>flow-type tcp6 src-ip S dst-ip D src-port P dst-port Q</c>.</summary>
    public static FlowMatch Tcp6(Ipv6Address source, ushort sourcePort, Ipv6Address destination, ushort destinationPort) =>
        Tcp6(destination, destinationPort) with { MatchesSource = true, Source = source, SourcePort = sourcePort };

    /// <summary>The rule in <c>ethtool -N</c> syntax.</summary>
    public override string ToString()
    {
        string flowType = Type == FlowType.Tcp4 ? "tcp4" : "tcp6";
        string destination = Format(Destination);
        return MatchesSource
            ? $"flow-type {flowType} src-ip {Format(Source)} dst-ip {destination} src-port {SourcePort} dst-port {DestinationPort}"
            : $"flow-type {flowType} dst-ip {destination} dst-port {DestinationPort}";
    }

    internal bool Matches(in FlowTuple tuple) =>
        tuple.HasPorts
        && tuple.IsIpv6 == (Type == FlowType.Tcp6)
        && tuple.DestinationPort == DestinationPort
        && tuple.Destination == Destination
        && (!MatchesSource || (tuple.SourcePort == SourcePort && tuple.Source == Source));

    private string Format(Ipv6Address address) =>
        Type == FlowType.Tcp4 ? FlowTuple.Unmap(address).ToString() : address.ToString();
}
