using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>
/// One Ethernet interface's IP layer, sans-IO like the TCP core: a driver hands it each received
/// frame with <see cref="Receive(ReadOnlySpan{byte}, long, IFrameSink)"/>, upper layers send with <see cref="Send"/>, and the driver calls
/// <see cref="Poll"/> no later than <see cref="PollAt"/>; every frame the interface produces goes to
/// the <see cref="IFrameSink"/> of that call. Time is a monotonic count of microseconds chosen by the
/// driver, as for <c>TcpConnection</c>.
/// </summary>
/// <remarks>
/// <para>It holds the configuration (MAC, addresses, routes, MTU), the ARP and NDP neighbour caches
/// with their queues of packets awaiting resolution (in a preallocated <see cref="FrameBufferPool"/>),
/// the echo responders, and one upper layer per protocol number. Nothing is allocated per packet.</para>
/// <para>The type is split by concern: this file holds configuration and timers; <c>.Receive</c> the
/// Ethernet demultiplexing and delivery; <c>.Ipv4</c> and <c>.Ipv6</c> each family's input checks and
/// ICMP; <c>.Send</c> the output path.</para>
/// <para>Not thread-safe: one engine thread calls it. <see cref="Counters"/> may be read elsewhere as a
/// snapshot.</para>
/// </remarks>
public sealed partial class IpInterface
{
    /// <summary>A deadline that never comes.</summary>
    public const long Never = long.MaxValue;

    private readonly IpInterfaceOptions _options;
    private readonly MacAddress _mac;
    private readonly bool _hasIpv4;
    private readonly Ipv4InterfaceAddress _ipv4;
    private readonly Ipv6AddressSet _ipv6;
    private readonly RouteTable _routes;
    private readonly FrameBufferPool _pending;
    private readonly ArpResolver? _arp;
    private readonly NdpResolver _ndp;
    private readonly MacAddress[] _multicastMacs;
    private readonly IIpUpperLayer?[] _upperLayers = new IIpUpperLayer?[256];

    // IPv4 Identification of the next datagram. Every datagram carries DF and is never fragmented,
    // so the value only has to vary (RFC 6864 §4.1); a counter does.
    private ushort _nextIdentification;

    /// <exception cref="ArgumentException">The configuration is inconsistent (see the message).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or limit is out of range.</exception>
    public IpInterface(IpInterfaceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.MacAddress.IsUnicast || options.MacAddress.IsZero)
        {
            throw new ArgumentException($"The interface MAC must be a non-zero unicast address, not {options.MacAddress}.", nameof(options));
        }
        // RFC 8200 §5: every link carrying IPv6 has an MTU of at least 1280.
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Mtu, 1280, nameof(options.Mtu));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Mtu, ushort.MaxValue, nameof(options.Mtu));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.PendingPacketPoolSize, nameof(options.PendingPacketPoolSize));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxExtensionHeaders, nameof(options.MaxExtensionHeaders));
        ArgumentOutOfRangeException.ThrowIfZero(options.DefaultHopLimit, nameof(options.DefaultHopLimit));
        options.Neighbors.Validate();

        _options = options;
        _mac = options.MacAddress;
        _pending = new FrameBufferPool(options.PendingPacketPoolSize, EthernetView.HeaderLength + options.Mtu);
        _ipv6 = new Ipv6AddressSet(_mac, options.Ipv6Addresses);
        _multicastMacs = _ipv6.MulticastMacs;

        var ipv4Routes = new List<Ipv4Route>();
        if (options.Ipv4 is { } ipv4)
        {
            if (!ipv4.Address.IsUnicast || ipv4.Address.IsLoopback || ipv4.PrefixLength is < 0 or > 32)
            {
                throw new ArgumentException($"{ipv4.Address}/{ipv4.PrefixLength} cannot be an interface address: it must be unicast with a prefix of 0..32.", nameof(options));
            }
            _hasIpv4 = true;
            _ipv4 = ipv4;
            ipv4Routes.Add(new Ipv4Route(ipv4.Address, ipv4.PrefixLength, default));
            _arp = new ArpResolver(_mac, ipv4.Address, options.Neighbors, _pending, Counters);
        }
        if (!options.Ipv4Gateway.IsUnspecified)
        {
            ipv4Routes.Add(new Ipv4Route(default, 0, options.Ipv4Gateway));
        }
        ipv4Routes.AddRange(options.Ipv4Routes);

        // fe80::/64 is always on-link (RFC 4291 §2.5.6); so is each configured address's prefix.
        var ipv6Routes = _ipv6.Addresses.Where(a => a.PrefixLength < 128).Select(a => new Ipv6Route(a.Address, a.PrefixLength, default)).ToList();
        if (!options.Ipv6Gateway.IsUnspecified)
        {
            ipv6Routes.Add(new Ipv6Route(default, 0, options.Ipv6Gateway));
        }
        ipv6Routes.AddRange(options.Ipv6Routes);
        _routes = new RouteTable(ipv4Routes, ipv6Routes);
        _ndp = new NdpResolver(_mac, _ipv6, options.Neighbors, _pending, Counters);
    }

    /// <summary>The interface's MAC.</summary>
    public MacAddress MacAddress => _mac;

    /// <summary>The largest IP packet sent or accepted.</summary>
    public int Mtu => _options.Mtu;

    /// <summary>The longest frame the interface emits: Ethernet header plus <see cref="Mtu"/>. Size sinks by it.</summary>
    public int MaxFrameLength => EthernetView.HeaderLength + _options.Mtu;

    /// <summary>The IPv4 address and prefix; null when IPv4 is off.</summary>
    public Ipv4InterfaceAddress? Ipv4 => _hasIpv4 ? _ipv4 : null;

    /// <summary>The IPv6 addresses, link-local first.</summary>
    public IReadOnlyList<Ipv6InterfaceAddress> Ipv6Addresses => _ipv6.Addresses;

    /// <summary>The IPv4 routes, longest prefix first (the on-link prefix and default route included).</summary>
    public IReadOnlyList<Ipv4Route> Ipv4Routes => _routes.Ipv4;

    /// <summary>The IPv6 routes, longest prefix first (on-link prefixes and default route included).</summary>
    public IReadOnlyList<Ipv6Route> Ipv6Routes => _routes.Ipv6;

    /// <summary>Drops by reason and events.</summary>
    public IpCounters Counters { get; } = new();

    /// <summary>Registers the upper layer for <paramref name="protocol"/> (null removes it). For ICMP and ICMPv6 it receives what the interface does not answer itself.</summary>
    public void SetUpperLayer(IpProtocol protocol, IIpUpperLayer? handler) => _upperLayers[(byte)protocol] = handler;

    /// <summary>
    /// Our source address for <paramref name="destination"/>: the IPv4 address, or per RFC 6724 for
    /// IPv6. False when the destination's family is not configured.
    /// </summary>
    public bool TrySelectSourceAddress(IpAddress destination, out IpAddress source)
    {
        switch (destination.Version)
        {
            case IpVersion.V4 when _hasIpv4:
                source = _ipv4.Address;
                return true;
            case IpVersion.V6:
                source = _ipv6.SelectSource(destination.Ipv6);
                return true;
            default:
                source = default;
                return false;
        }
    }

    /// <summary>The neighbour cache entry for <paramref name="address"/>, if there is one.</summary>
    public bool TryGetNeighbor(IpAddress address, out MacAddress linkAddress, out NeighborState state)
    {
        switch (address.Version)
        {
            case IpVersion.V4 when _arp is not null:
                return _arp.Cache.TryGet(address.Ipv4, out linkAddress, out state);
            case IpVersion.V6:
                return _ndp.Cache.TryGet(address.Ipv6, out linkAddress, out state);
            default:
                linkAddress = default;
                state = default;
                return false;
        }
    }

    /// <summary>
    /// Tells the neighbour cache that the path to <paramref name="peer"/> made forward progress
    /// (RFC 4861 §7.3.1): TCP calls it when an acknowledgment of new data arrives, which spares a probe.
    /// The confirmation goes to the peer's next hop (its gateway when off-link); nothing happens when
    /// that neighbour is not cached or still resolving.
    /// </summary>
    public void ConfirmReachable(IpAddress peer, long now)
    {
        switch (peer.Version)
        {
            case IpVersion.V4 when _arp is not null && _routes.TryGetNextHop(peer.Ipv4, out var nextHop):
                _arp.Cache.ConfirmReachable(nextHop, now);
                break;
            case IpVersion.V6 when _routes.TryGetNextHop(peer.Ipv6, out var nextHop):
                _ndp.Cache.ConfirmReachable(nextHop, now);
                break;
        }
    }

    /// <summary>Runs the neighbour timers due at <paramref name="now"/>: retries, failed resolutions, probes, expiry.</summary>
    public void Poll(long now, IFrameSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _arp?.Cache.Poll(now, sink);
        _ndp.Cache.Poll(now, sink);
    }

    /// <summary>When <see cref="Poll"/> next has work; <see cref="Never"/> when nothing is pending.</summary>
    public long PollAt() => Math.Min(_arp?.Cache.PollAt() ?? Never, _ndp.Cache.PollAt());
}
