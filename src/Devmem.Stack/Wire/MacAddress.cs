using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net.NetworkInformation;

namespace Devmem.Stack.Wire;

/// <summary>
/// A 48-bit IEEE 802 MAC address held by value in the low 48 bits of a <see cref="ulong"/>, the first
/// octet on the wire being the most significant. Equality and hashing cost one word; the type never
/// allocates except when formatted to a <see cref="string"/> or converted to <see cref="PhysicalAddress"/>.
/// </summary>
public readonly struct MacAddress : IEquatable<MacAddress>, ISpanFormattable, ISpanParsable<MacAddress>
{
    /// <summary>Bytes on the wire.</summary>
    public const int Length = 6;

    /// <summary>Characters in the canonical text form <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public const int FormattedLength = 17;

    private const ulong Mask = 0xFFFF_FFFF_FFFF;

    private readonly ulong _value;

    /// <summary>An address from its 48-bit value (first octet most significant).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value does not fit in 48 bits.</exception>
    public MacAddress(ulong value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Mask);
        _value = value;
    }

    /// <summary>Reads an address from the first six bytes of <paramref name="bytes"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than six bytes.</exception>
    public MacAddress(ReadOnlySpan<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes.Length, Length);
        _value = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(2));
    }

    /// <summary>The all-ones broadcast address <c>ff:ff:ff:ff:ff:ff</c>.</summary>
    public static MacAddress Broadcast => new(Mask);

    /// <summary>The all-zeros address (also <c>default</c>), as in an ARP request's target hardware address.</summary>
    public static MacAddress Zero => default;

    /// <summary>The 48-bit value, first octet most significant.</summary>
    public ulong Value => _value;

    /// <summary>The broadcast address.</summary>
    public bool IsBroadcast => _value == Mask;

    /// <summary>The individual/group bit (least significant bit of the first octet) is set: multicast or broadcast.</summary>
    public bool IsMulticast => (_value & (1UL << 40)) != 0;

    /// <summary>An individual (unicast) address: the group bit is clear.</summary>
    public bool IsUnicast => !IsMulticast;

    /// <summary>The universal/local bit (second bit of the first octet) is set.</summary>
    public bool IsLocallyAdministered => (_value & (2UL << 40)) != 0;

    /// <summary>The all-zeros address.</summary>
    public bool IsZero => _value == 0;

    /// <summary>Writes the six octets to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than six bytes.</exception>
    public void CopyTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(_value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(2), (uint)_value);
    }

    /// <summary>Converts to <see cref="PhysicalAddress"/> at an API edge (allocates).</summary>
    public PhysicalAddress ToPhysicalAddress()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return new PhysicalAddress(bytes);
    }

    /// <summary>Converts from a six-byte <see cref="PhysicalAddress"/> at an API edge.</summary>
    /// <exception cref="ArgumentException">The address is not six bytes long.</exception>
    public static MacAddress FromPhysicalAddress(PhysicalAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        byte[] bytes = address.GetAddressBytes();
        if (bytes.Length != Length)
        {
            throw new ArgumentException("A MAC address has exactly six bytes.", nameof(address));
        }
        return new MacAddress(bytes);
    }

    /// <summary>Parses <c>aa:bb:cc:dd:ee:ff</c> (also with <c>-</c> separators, either case).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out MacAddress result)
    {
        result = default;
        if (text.Length != FormattedLength)
        {
            return false;
        }
        char separator = text[2];
        if (separator is not (':' or '-'))
        {
            return false;
        }
        ulong value = 0;
        for (int i = 0; i < Length; i++)
        {
            int at = i * 3;
            if (i > 0 && text[at - 1] != separator)
            {
                return false;
            }
            int hi = HexValue(text[at]);
            int lo = HexValue(text[at + 1]);
            if ((hi | lo) < 0)
            {
                return false;
            }
            value = (value << 8) | (uint)((hi << 4) | lo);
        }
        result = new MacAddress(value);
        return true;
    }

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out MacAddress)"/>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out MacAddress result) => TryParse(s, out result);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out MacAddress)"/>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out MacAddress result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), out result);
    }

    /// <summary>Parses <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    /// <exception cref="FormatException">Not a MAC address.</exception>
    public static MacAddress Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null) =>
        TryParse(s, out var result) ? result : throw new FormatException($"'{s}' is not a MAC address (expected aa:bb:cc:dd:ee:ff).");

    /// <inheritdoc cref="Parse(ReadOnlySpan{char}, IFormatProvider?)"/>
    public static MacAddress Parse(string s, IFormatProvider? provider = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <summary>Writes the canonical lower-case form <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < FormattedLength)
        {
            charsWritten = 0;
            return false;
        }
        for (int i = 0; i < Length; i++)
        {
            int octet = (int)(_value >> (40 - (8 * i))) & 0xFF;
            int at = i * 3;
            destination[at] = HexDigit(octet >> 4);
            destination[at + 1] = HexDigit(octet & 0xF);
            if (i < Length - 1)
            {
                destination[at + 2] = ':';
            }
        }
        charsWritten = FormattedLength;
        return true;
    }

    /// <inheritdoc cref="TryFormat(Span{char}, out int)"/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <summary>The canonical lower-case form <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public override string ToString() => string.Create(FormattedLength, this, static (chars, mac) => mac.TryFormat(chars, out _));

    /// <inheritdoc cref="ToString()"/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool Equals(MacAddress other) => _value == other._value;

    public override bool Equals(object? obj) => obj is MacAddress other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_value);

    public static bool operator ==(MacAddress left, MacAddress right) => left._value == right._value;

    public static bool operator !=(MacAddress left, MacAddress right) => left._value != right._value;

    internal static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static char HexDigit(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
