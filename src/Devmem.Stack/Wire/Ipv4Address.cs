using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Devmem.Stack.Wire;

/// <summary>
/// An IPv4 address held by value as a <see cref="uint"/> whose numeric value is the address read
/// big-endian (10.0.0.1 is <c>0x0A000001</c>), so comparisons and masks read naturally.
/// <see cref="IPAddress"/> appears only in the conversions for API edges.
/// </summary>
public readonly struct Ipv4Address : IEquatable<Ipv4Address>, ISpanFormattable, ISpanParsable<Ipv4Address>
{
    /// <summary>Bytes on the wire.</summary>
    public const int Length = 4;

    /// <summary>The longest dotted-quad text, <c>255.255.255.255</c>.</summary>
    public const int MaxFormattedLength = 15;

    private readonly uint _value;

    /// <summary>An address from its numeric value (first octet most significant).</summary>
    public Ipv4Address(uint value) => _value = value;

    /// <summary>The address <c>a.b.c.d</c>.</summary>
    public Ipv4Address(byte a, byte b, byte c, byte d) => _value = ((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d;

    /// <summary>Reads an address from the first four bytes of <paramref name="bytes"/> (network order).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than four bytes.</exception>
    public Ipv4Address(ReadOnlySpan<byte> bytes) => _value = BinaryPrimitives.ReadUInt32BigEndian(bytes);

    /// <summary><c>0.0.0.0</c> (RFC 1122 §3.2.1.3 (a): "this host on this network").</summary>
    public static Ipv4Address Unspecified => default;

    /// <summary>The limited broadcast address <c>255.255.255.255</c> (RFC 919 §7).</summary>
    public static Ipv4Address Broadcast => new(0xFFFF_FFFF);

    /// <summary><c>127.0.0.1</c>.</summary>
    public static Ipv4Address Loopback => new(0x7F00_0001);

    /// <summary>The numeric value, first octet most significant.</summary>
    public uint Value => _value;

    /// <summary><c>0.0.0.0</c>.</summary>
    public bool IsUnspecified => _value == 0;

    /// <summary>The limited broadcast address <c>255.255.255.255</c>.</summary>
    public bool IsBroadcast => _value == 0xFFFF_FFFF;

    /// <summary>Class D, <c>224.0.0.0/4</c> (RFC 5771).</summary>
    public bool IsMulticast => (_value & 0xF000_0000) == 0xE000_0000;

    /// <summary><c>127.0.0.0/8</c> (RFC 1122 §3.2.1.3 (g)).</summary>
    public bool IsLoopback => (_value >> 24) == 127;

    /// <summary><c>169.254.0.0/16</c> (RFC 3927).</summary>
    public bool IsLinkLocal => (_value >> 16) == 0xA9FE;

    /// <summary>Neither unspecified, broadcast nor multicast.</summary>
    public bool IsUnicast => !IsUnspecified && !IsBroadcast && !IsMulticast;

    /// <summary>The network mask for a prefix length of 0..32 (e.g. 24 gives 255.255.255.0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..32.</exception>
    public static Ipv4Address SubnetMask(int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        return new Ipv4Address(MaskBits(prefixLength));
    }

    /// <summary>Whether this address lies in <paramref name="prefix"/>/<paramref name="prefixLength"/>
    /// (host bits of <paramref name="prefix"/> are ignored).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Prefix length outside 0..32.</exception>
    public bool IsInSubnet(Ipv4Address prefix, int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        uint mask = MaskBits(prefixLength);
        return (_value & mask) == (prefix._value & mask);
    }

    /// <summary>Writes the four octets (network order) to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than four bytes.</exception>
    public void CopyTo(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, _value);

    /// <summary>Converts to <see cref="IPAddress"/> at an API edge (allocates).</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return new IPAddress(bytes);
    }

    /// <summary>Converts an IPv4 (or IPv4-mapped IPv6) <see cref="IPAddress"/>; false for any other.</summary>
    public static bool TryFromIPAddress(IPAddress? address, out Ipv4Address result)
    {
        result = default;
        if (address is null)
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written) || written != Length)
        {
            return false;
        }
        result = new Ipv4Address(bytes);
        return true;
    }

    /// <summary>Converts an IPv4 (or IPv4-mapped IPv6) <see cref="IPAddress"/> at an API edge.</summary>
    /// <exception cref="ArgumentException">Not an IPv4 address.</exception>
    public static Ipv4Address FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return TryFromIPAddress(address, out var result)
            ? result
            : throw new ArgumentException($"{address} is not an IPv4 address.", nameof(address));
    }

    /// <summary>Parses a strict dotted quad: four decimal octets 0..255, no leading zeros (which some parsers read as octal).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv4Address result)
    {
        result = default;
        uint value = 0;
        int part = 0;
        int i = 0;
        while (true)
        {
            int start = i;
            int octet = 0;
            while (i < text.Length && i - start < 4 && char.IsAsciiDigit(text[i]))
            {
                octet = (octet * 10) + (text[i] - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && text[start] == '0'))
            {
                return false;
            }
            value = (value << 8) | (uint)octet;
            part++;
            if (part == 4)
            {
                break;
            }
            if (i >= text.Length || text[i] != '.')
            {
                return false;
            }
            i++;
        }
        if (i != text.Length)
        {
            return false;
        }
        result = new Ipv4Address(value);
        return true;
    }

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out Ipv4Address)"/>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Ipv4Address result) => TryParse(s, out result);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out Ipv4Address)"/>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Ipv4Address result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), out result);
    }

    /// <summary>Parses a strict dotted quad.</summary>
    /// <exception cref="FormatException">Not a dotted-quad IPv4 address.</exception>
    public static Ipv4Address Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null) =>
        TryParse(s, out var result) ? result : throw new FormatException($"'{s}' is not an IPv4 address (expected a.b.c.d).");

    /// <inheritdoc cref="Parse(ReadOnlySpan{char}, IFormatProvider?)"/>
    public static Ipv4Address Parse(string s, IFormatProvider? provider = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <summary>Writes the dotted quad.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        for (int i = 0; i < Length; i++)
        {
            if (i > 0)
            {
                if (charsWritten >= destination.Length)
                {
                    charsWritten = 0;
                    return false;
                }
                destination[charsWritten++] = '.';
            }
            uint octet = (_value >> (24 - (8 * i))) & 0xFF;
            if (!octet.TryFormat(destination.Slice(charsWritten), out int n, default, CultureInfo.InvariantCulture))
            {
                charsWritten = 0;
                return false;
            }
            charsWritten += n;
        }
        return true;
    }

    /// <inheritdoc cref="TryFormat(Span{char}, out int)"/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <summary>The dotted quad.</summary>
    public override string ToString()
    {
        Span<char> chars = stackalloc char[MaxFormattedLength];
        TryFormat(chars, out int n);
        return new string(chars.Slice(0, n));
    }

    /// <inheritdoc cref="ToString()"/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool Equals(Ipv4Address other) => _value == other._value;

    public override bool Equals(object? obj) => obj is Ipv4Address other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_value);

    public static bool operator ==(Ipv4Address left, Ipv4Address right) => left._value == right._value;

    public static bool operator !=(Ipv4Address left, Ipv4Address right) => left._value != right._value;

    private static uint MaskBits(int prefixLength) => prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);
}
