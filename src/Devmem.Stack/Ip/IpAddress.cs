using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>
/// An address of either family, for the places that serve both (packet info, connection 4-tuples).
/// Held as 16 bytes plus the family, IPv4 in the IPv4-mapped form (RFC 4291 §2.5.5.2), so equality
/// and hashing cost two words whatever the family. <c>default</c> is unspecified and has no family.
/// </summary>
public readonly struct IpAddress : IEquatable<IpAddress>
{
    private const ulong Ipv4MappedPrefix = 0xFFFF_0000_0000;

    private readonly Ipv6Address _value;
    private readonly IpVersion _version;

    /// <summary>An IPv4 address.</summary>
    public IpAddress(Ipv4Address address)
    {
        _value = new Ipv6Address(0, Ipv4MappedPrefix | address.Value);
        _version = IpVersion.V4;
    }

    /// <summary>An IPv6 address.</summary>
    public IpAddress(Ipv6Address address)
    {
        _value = address;
        _version = IpVersion.V6;
    }

    /// <summary>The family; <see cref="IpVersion.None"/> for <c>default</c>.</summary>
    public IpVersion Version => _version;

    /// <summary>No address: <c>default</c>, 0.0.0.0 or ::.</summary>
    public bool IsUnspecified => _version == IpVersion.None || (_version == IpVersion.V4 ? (uint)_value.Low == 0 : _value.IsUnspecified);

    /// <summary>The IPv4 address.</summary>
    /// <exception cref="InvalidOperationException">Not an IPv4 address.</exception>
    public Ipv4Address Ipv4 => _version == IpVersion.V4
        ? new Ipv4Address((uint)_value.Low)
        : throw new InvalidOperationException($"{this} is not an IPv4 address.");

    /// <summary>The IPv6 address.</summary>
    /// <exception cref="InvalidOperationException">Not an IPv6 address.</exception>
    public Ipv6Address Ipv6 => _version == IpVersion.V6
        ? _value
        : throw new InvalidOperationException($"{this} is not an IPv6 address.");

    public static implicit operator IpAddress(Ipv4Address address) => new(address);

    public static implicit operator IpAddress(Ipv6Address address) => new(address);

    /// <summary>An IPv4 address (the named form of the implicit conversion).</summary>
    public static IpAddress FromIpv4(Ipv4Address address) => new(address);

    /// <summary>An IPv6 address (the named form of the implicit conversion).</summary>
    public static IpAddress FromIpv6(Ipv6Address address) => new(address);

    /// <summary>The address in its family's text form; empty for <c>default</c>.</summary>
    public override string ToString() => _version switch
    {
        IpVersion.V4 => new Ipv4Address((uint)_value.Low).ToString(),
        IpVersion.V6 => _value.ToString(),
        _ => string.Empty,
    };

    public bool Equals(IpAddress other) => _version == other._version && _value == other._value;

    public override bool Equals(object? obj) => obj is IpAddress other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_value, _version);

    public static bool operator ==(IpAddress left, IpAddress right) => left.Equals(right);

    public static bool operator !=(IpAddress left, IpAddress right) => !left.Equals(right);
}
