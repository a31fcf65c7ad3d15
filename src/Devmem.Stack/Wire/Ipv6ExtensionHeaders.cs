using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// Walks the IPv6 extension-header chain (RFC 8200 §4) from the fixed header to the upper layer,
/// with a depth limit such as a NIC's header parser has. Walked: Hop-by-Hop Options (only first,
/// §4.1), Routing, Destination Options (length in 8-byte units not counting the first 8, §4.3-4.6),
/// Fragment (8 bytes, §4.5) and AH (length in 4-byte units minus 2, RFC 4302 §2.2). ESP (RFC 4303)
/// ends the walk since what follows is encrypted; so does No Next Header (§4.7) and any other value,
/// which is taken as the upper layer. Options inside Hop-by-Hop and Destination Options are not
/// interpreted.
/// </summary>
public static class Ipv6ExtensionHeaders
{
    /// <summary>Length of the Fragment header.</summary>
    public const int FragmentHeaderLength = 8;

    /// <summary>Whether the walker steps over headers of this protocol number.</summary>
    public static bool IsExtensionHeader(IpProtocol protocol) => protocol is IpProtocol.HopByHop or IpProtocol.Routing
        or IpProtocol.Fragment or IpProtocol.DestinationOptions or IpProtocol.Ah;

    /// <inheritdoc cref="IsExtensionHeader(IpProtocol)"/>
    public static bool IsExtensionHeader(byte protocol) => IsExtensionHeader((IpProtocol)protocol);

    /// <summary>
    /// Walks the chain of <paramref name="packet"/> (an IPv6 packet from its fixed header) over at
    /// most <paramref name="maxHeaders"/> extension headers. True with the result when the chain is
    /// well formed up to where the walk stopped (including at the depth limit: see
    /// <see cref="Ipv6ExtensionWalk.DepthLimitReached"/>); false with the error otherwise: the fixed
    /// header's errors (<see cref="Ipv6View.TryCreate(ReadOnlySpan{byte}, out Ipv6View, out WireParseError)"/>), a header whose first two bytes (or a
    /// Fragment header's eight) are past the payload (Truncated), a length field past the payload
    /// (BadHeaderLength), Hop-by-Hop anywhere but first (Malformed).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxHeaders"/> is negative.</exception>
    public static bool TryWalk(ReadOnlySpan<byte> packet, int maxHeaders, out Ipv6ExtensionWalk walk, out WireParseError error) =>
        TryWalk(packet, 0, maxHeaders, out walk, out error);

    /// <summary>
    /// <see cref="TryWalk(ReadOnlySpan{byte}, int, out Ipv6ExtensionWalk, out WireParseError)"/> over the first
    /// part of a packet whose last <paramref name="detachedLength"/> bytes lie elsewhere (header split): every
    /// extension header must be in <paramref name="packet"/>, one that runs past it is Truncated.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxHeaders"/> is negative.</exception>
    public static bool TryWalk(ReadOnlySpan<byte> packet, int detachedLength, int maxHeaders, out Ipv6ExtensionWalk walk, out WireParseError error)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxHeaders);
        walk = default;
        if (!Ipv6View.TryCreate(packet, detachedLength, out var ip, out error))
        {
            return false;
        }
        int end = Ipv6View.HeaderLength + ip.PayloadLength;
        int present = Math.Min(end, packet.Length);
        var next = ip.NextHeader;
        int offset = Ipv6View.HeaderLength;
        int count = 0;
        bool depthLimit = false;
        bool hasFragment = false;
        bool more = false;
        bool isFragment = false;
        int fragmentOffset = 0;
        uint identification = 0;
        while (IsExtensionHeader(next))
        {
            if (count == maxHeaders)
            {
                depthLimit = true;
                break;
            }
            if (next == IpProtocol.HopByHop && count != 0)
            {
                error = WireParseError.Malformed;
                return false;
            }
            int minimum = next == IpProtocol.Fragment ? FragmentHeaderLength : 2;
            if (present - offset < minimum)
            {
                error = WireParseError.Truncated;
                return false;
            }
            var header = packet.Slice(offset, present - offset);
            int length = next switch
            {
                IpProtocol.Fragment => FragmentHeaderLength,
                IpProtocol.Ah => (header[1] + 2) * 4,
                _ => (header[1] + 1) * 8,
            };
            if (length > end - offset)
            {
                error = WireParseError.BadHeaderLength;
                return false;
            }
            if (length > header.Length)
            {
                error = WireParseError.Truncated;
                return false;
            }
            var current = next;
            next = (IpProtocol)header[0];
            offset += length;
            count++;
            if (current == IpProtocol.Fragment)
            {
                // RFC 8200 §4.5: Fragment Offset (13 bits, 8-byte units), Res (2), M (1); Identification.
                ushort offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(header.Slice(2));
                int thisOffset = offsetAndFlags & 0xFFF8;
                bool thisMore = (offsetAndFlags & 1) != 0;
                if (!hasFragment)
                {
                    hasFragment = true;
                    fragmentOffset = thisOffset;
                    more = thisMore;
                    identification = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(4));
                }
                isFragment |= thisOffset != 0 || thisMore;
                if (thisOffset != 0)
                {
                    break;
                }
            }
        }
        walk = new Ipv6ExtensionWalk
        {
            UpperProtocol = next,
            UpperOffset = offset,
            UpperLength = end - offset,
            HeaderCount = count,
            DepthLimitReached = depthLimit,
            HasFragmentHeader = hasFragment,
            FragmentOffset = fragmentOffset,
            MoreFragments = more,
            FragmentIdentification = identification,
            IsFragment = isFragment,
        };
        return true;
    }

    /// <summary>
    /// The walk of <see cref="TryWalk(ReadOnlySpan{byte}, int, out Ipv6ExtensionWalk, out WireParseError)"/>
    /// reduced to what a NIC's parser needs. When it returns true with
    /// <see cref="IsExtensionHeader(byte)"/> true for <paramref name="upperProtocol"/>, the upper layer
    /// was not reached: the depth limit stopped the walk, or the packet is a non-first fragment
    /// (<paramref name="isFragment"/>). <see cref="Ipv6ExtensionWalk.DepthLimitReached"/> from the
    /// other overload tells the two apart.
    /// </summary>
    public static bool TryWalkExtensionHeaders(ReadOnlySpan<byte> packet, int maxHeaders, out byte upperProtocol, out int upperOffset,
        out bool isFragment, out WireParseError error)
    {
        bool ok = TryWalk(packet, maxHeaders, out var walk, out error);
        upperProtocol = (byte)walk.UpperProtocol;
        upperOffset = walk.UpperOffset;
        isFragment = walk.IsFragment;
        return ok;
    }
}
