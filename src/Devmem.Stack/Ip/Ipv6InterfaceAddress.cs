using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>An IPv6 address assigned to an interface and the length of its on-link prefix (e.g. fd00::1/64).</summary>
/// <param name="Address">The unicast address.</param>
/// <param name="PrefixLength">The on-link prefix, 0..128 (128: no on-link prefix).</param>
public readonly record struct Ipv6InterfaceAddress(Ipv6Address Address, int PrefixLength);
