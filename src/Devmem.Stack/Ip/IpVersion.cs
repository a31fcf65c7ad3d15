namespace Devmem.Stack.Ip;

/// <summary>The IP version: the value of the header's first four bits.</summary>
public enum IpVersion : byte
{
    /// <summary>No address family: the default of <see cref="IpAddress"/>.</summary>
    None = 0,

    /// <summary>IPv4 (RFC 791).</summary>
    V4 = 4,

    /// <summary>IPv6 (RFC 8200).</summary>
    V6 = 6,
}
