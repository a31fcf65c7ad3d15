namespace Devmem.Stack.Wire;

/// <summary>
/// Where an IPv6 extension-header walk ended (see <see cref="Ipv6ExtensionHeaders"/>). Offsets
/// count from the start of the IPv6 packet.
/// </summary>
public readonly record struct Ipv6ExtensionWalk
{
    /// <summary>
    /// The protocol at <see cref="UpperOffset"/>: an upper layer (TCP, UDP, ICMPv6, ...), ESP (opaque),
    /// No Next Header, or — when <see cref="DepthLimitReached"/> — the extension header not walked.
    /// </summary>
    public IpProtocol UpperProtocol { get; init; }

    /// <summary>Offset of the upper-layer header (or of the first header not walked).</summary>
    public int UpperOffset { get; init; }

    /// <summary>Bytes from <see cref="UpperOffset"/> to the end of the IPv6 payload.</summary>
    public int UpperLength { get; init; }

    /// <summary>Extension headers walked over.</summary>
    public int HeaderCount { get; init; }

    /// <summary>The walk stopped because it met the depth limit while extension headers remained.</summary>
    public bool DepthLimitReached { get; init; }

    /// <summary>A Fragment header was walked over.</summary>
    public bool HasFragmentHeader { get; init; }

    /// <summary>The (first) Fragment header's offset in bytes (0 when there is none).</summary>
    public int FragmentOffset { get; init; }

    /// <summary>The (first) Fragment header's M flag.</summary>
    public bool MoreFragments { get; init; }

    /// <summary>The (first) Fragment header's Identification.</summary>
    public uint FragmentIdentification { get; init; }

    /// <summary>
    /// A real fragment: some Fragment header walked over has a non-zero offset or M set. An atomic
    /// fragment (offset 0, M clear) is not one (RFC 6946 §4). For a non-first fragment the walk
    /// stops right after the Fragment header: what follows is the middle of the fragmentable part,
    /// not a header.
    /// </summary>
    public bool IsFragment { get; init; }
}
