using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Devmem.Stack.Wire;

/// <summary>
/// An IPv6 address (RFC 4291) held inline as two big-endian halves: <see cref="High"/> holds octets
/// 0..7 and <see cref="Low"/> octets 8..15. Predicates and the derived addresses that neighbour
/// discovery needs are computed without allocation; text goes through <see cref="IPAddress"/>
/// at the API edges only.
/// </summary>
public readonly struct Ipv6Address : IEquatable<Ipv6Address>, ISpanFormattable, ISpanParsable<Ipv6Address>
{
    /// <summary>Bytes on the wire.</summary>
    public const int Length = 16;

    /// <summary>The longest text form (an IPv4-suffixed address with every group filled).</summary>
    public const int MaxFormattedLength = 45;

    private readonly ulong _high;
    private readonly ulong _low;

    /// <summary>An address from its two halves (octets 0..7 and 8..15, each read big-endian).</summary>
    public Ipv6Address(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>Reads an address from the first sixteen bytes of <paramref name="bytes"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than sixteen bytes.</exception>
    public Ipv6Address(ReadOnlySpan<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes.Length, Length);
        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt64BigEndian(bytes.Slice(8));
    }

    /// <summary><c>::</c> (RFC 4291 §2.5.2).</summary>
    public static Ipv6Address Unspecified => default;

    /// <summary><c>::1</c> (RFC 4291 §2.5.3).</summary>
    public static Ipv6Address Loopback => new(0, 1);

    /// <summary><c>ff02::1</c>, all nodes on the link (RFC 4291 §2.7.1).</summary>
    public static Ipv6Address AllNodesLinkLocal => new(0xFF02_0000_0000_0000, 1);

    /// <summary><c>ff02::2</c>, all routers on the link (RFC 4291 §2.7.1).</summary>
    public static Ipv6Address AllRoutersLinkLocal => new(0xFF02_0000_0000_0000, 2);

    /// <summary>Octets 0..7, big-endian.</summary>
    public ulong High => _high;

    /// <summary>Octets 8..15, big-endian.</summary>
    public ulong Low => _low;

    /// <summary><c>::</c>.</summary>
    public bool IsUnspecified => (_high | _low) == 0;

    /// <summary><c>::1</c>.</summary>
    public bool IsLoopback => _high == 0 && _low == 1;

    /// <summary><c>ff00::/8</c> (RFC 4291 §2.7).</summary>
    public bool IsMulticast => (_high >> 56) == 0xFF;

    /// <summary>Neither unspecified nor multicast.</summary>
    public bool IsUnicast => !IsUnspecified && !IsMulticast;

    /// <summary>Link-local unicast, <c>fe80::/10</c> (RFC 4291 §2.5.6).</summary>
    public bool IsLinkLocal => (_high >> 54) == (0xFE80UL >> 6);

    /// <summary>Unique local unicast, <c>fc00::/7</c> (RFC 4193).</summary>
    public bool IsUniqueLocal => (_high >> 57) == (0xFC >> 1);

    /// <summary>A solicited-node multicast address, <c>ff02::1:ff00:0/104</c> (RFC 4291 §2.7.1).</summary>
    public bool IsSolicitedNodeMulticast => _high == 0xFF02_0000_0000_0000 && (_low >> 24) == 0x0000_0001_FF;

    /// <summary>IPv4-mapped, <c>::ffff:0:0/96</c> (RFC 4291 §2.5.5.2).</summary>
    public bool IsIPv4Mapped => _high == 0 && (_low >> 32) == 0xFFFF;

    /// <summary>The multicast scope (RFC 4291 §2.7), meaningful only when <see cref="IsMulticast"/>.</summary>
    public int MulticastScope => (int)(_high >> 48) & 0xF;

    /// <summary>
    /// The solicited-node multicast address of this address: <c>ff02::1:ff</c> followed by its low
    /// 24 bits (RFC 4291 §2.7.1), where neighbour solicitations for it are sent (RFC 4861 §7.2.2).
    /// </summary>
    public Ipv6Address SolicitedNodeMulticast => new(0xFF02_0000_0000_0000, 0x0000_0001_FF00_0000 | (_low & 0xFF_FFFF));

    /// <summary>
    /// The Ethernet multicast MAC for this (multicast) address: <c>33:33</c> followed by its low 32
    /// bits (RFC 2464 §7).
    /// </summary>
    public MacAddress MulticastMacAddress => new(0x3333_0000_0000UL | (uint)_low);

    /// <summary>
    /// The link-local address <c>fe80::/64</c> with the modified EUI-64 interface identifier of
    /// <paramref name="mac"/> (RFC 4291 §2.5.1 and appendix A; RFC 2464 §4): <c>ff:fe</c> inserted
    /// in the middle and the universal/local bit inverted.
    /// </summary>
    public static Ipv6Address LinkLocalFromMac(MacAddress mac)
    {
        ulong m = mac.Value;
        ulong iid = ((m & 0xFFFF_FF00_0000UL) << 16) | 0x0000_00FF_FE00_0000UL | (m & 0xFF_FFFFUL);
        iid ^= 0x0200_0000_0000_0000UL;
        return new Ipv6Address(0xFE80_0000_0000_0000, iid);
    }

    /// <summary>Whether this address lies in <paramref name="prefix"/>/<paramref name="prefixLength"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Prefix length outside 0..128.</exception>
    public bool IsInSubnet(Ipv6Address prefix, int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 128);
        ulong highMask = prefixLength >= 64 ? ulong.MaxValue : prefixLength == 0 ? 0 : ulong.MaxValue << (64 - prefixLength);
        ulong lowMask = prefixLength <= 64 ? 0 : prefixLength == 128 ? ulong.MaxValue : ulong.MaxValue << (128 - prefixLength);
        return ((_high ^ prefix._high) & highMask) == 0 && ((_low ^ prefix._low) & lowMask) == 0;
    }

    /// <summary>Writes the sixteen octets to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than sixteen bytes.</exception>
    public void CopyTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length);
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(8), _low);
    }

    /// <summary>Converts to <see cref="IPAddress"/> at an API edge (allocates).</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return new IPAddress(bytes);
    }

    /// <summary>Converts an IPv6 <see cref="IPAddress"/> (its scope id is dropped); false for IPv4 or null.</summary>
    public static bool TryFromIPAddress(IPAddress? address, out Ipv6Address result)
    {
        result = default;
        if (address is null || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[Length];
        if (!address.TryWriteBytes(bytes, out int written) || written != Length)
        {
            return false;
        }
        result = new Ipv6Address(bytes);
        return true;
    }

    /// <summary>Converts an IPv6 <see cref="IPAddress"/> at an API edge (its scope id is dropped).</summary>
    /// <exception cref="ArgumentException">Not an IPv6 address.</exception>
    public static Ipv6Address FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return TryFromIPAddress(address, out var result)
            ? result
            : throw new ArgumentException($"{address} is not an IPv6 address.", nameof(address));
    }

    /// <summary>Parses RFC 4291 §2.2 text (via <see cref="IPAddress"/>; an edge operation). IPv4 text is rejected.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv6Address result)
    {
        result = default;
        return text.Contains(':') && IPAddress.TryParse(text, out var address) && TryFromIPAddress(address, out result);
    }

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out Ipv6Address)"/>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Ipv6Address result) => TryParse(s, out result);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out Ipv6Address)"/>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Ipv6Address result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), out result);
    }

    /// <summary>Parses RFC 4291 §2.2 text.</summary>
    /// <exception cref="FormatException">Not an IPv6 address.</exception>
    public static Ipv6Address Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null) =>
        TryParse(s, out var result) ? result : throw new FormatException($"'{s}' is not an IPv6 address.");

    /// <inheritdoc cref="Parse(ReadOnlySpan{char}, IFormatProvider?)"/>
    public static Ipv6Address Parse(string s, IFormatProvider? provider = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <summary>Writes the RFC 5952 canonical text (via <see cref="IPAddress"/>).</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten) => ToIPAddress().TryFormat(destination, out charsWritten);

    /// <inheritdoc cref="TryFormat(Span{char}, out int)"/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <summary>The RFC 5952 canonical text, e.g. <c>fe80::1</c>.</summary>
    public override string ToString() => ToIPAddress().ToString();

    /// <inheritdoc cref="ToString()"/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool Equals(Ipv6Address other) => _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is Ipv6Address other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low);

    public static bool operator ==(Ipv6Address left, Ipv6Address right) => left.Equals(right);

    public static bool operator !=(Ipv6Address left, Ipv6Address right) => !left.Equals(right);
}
