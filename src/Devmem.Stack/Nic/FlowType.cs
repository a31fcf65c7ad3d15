namespace Devmem.Stack.Nic;

/// <summary>The <c>flow-type</c> of an <c>ethtool -N</c> rule the emulated NIC can steer.</summary>
public enum FlowType
{
    /// <summary><c>flow-type tcp4</c>: TCP over IPv4.</summary>
    Tcp4,

    /// <summary><c>flow-type tcp6</c>: TCP over IPv6.</summary>
    Tcp6,
}
