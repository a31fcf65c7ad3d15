using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>An IPv4 address assigned to an interface and the length of its on-link prefix (e.g. 10.0.0.1/24).</summary>
/// <param name="Address">The address.</param>
/// <param name="PrefixLength">The on-link prefix, 0..32.</param>
public readonly record struct Ipv4InterfaceAddress(Ipv4Address Address, int PrefixLength)
{
    /// <summary>The subnet-directed broadcast address (RFC 919 §7); none for /31 and /32 (RFC 3021).</summary>
    public bool IsSubnetBroadcast(Ipv4Address address) =>
        PrefixLength < 31 && address.IsInSubnet(Address, PrefixLength) && (address.Value | Ipv4Address.SubnetMask(PrefixLength).Value) == uint.MaxValue;
}
