using Devmem.Cli.Hosting;
using Devmem.Stack.Link;

namespace Devmem.Cli.Transfer;

/// <summary>How a <see cref="MemoryLinkTestbed"/> is built.</summary>
internal sealed record TestbedOptions
{
    /// <summary>ncdevmem's default dma-buf: 16000 pages.</summary>
    public const long DefaultDmaBufBytes = 16000L * Devmem.Memory.Page.Size;

    /// <summary>IPv6 addresses (fd00::1, fd00::2) instead of IPv4 (10.0.0.1, 10.0.0.2).</summary>
    public bool Ipv6 { get; init; }

    /// <summary>Faults on the wire, both directions (the way back with the next seed); null: a clean wire.</summary>
    public FaultInjectorOptions? Faults { get; init; }

    /// <summary>
    /// Bind the receiver's last queue to the dma-buf with RSS over the others (demo, serve); false leaves the
    /// NIC as it starts, for a command that does ncdevmem's set-up itself.
    /// </summary>
    public bool BindDevmemQueue { get; init; } = true;

    /// <summary>Size of the receiver's dma-buf.</summary>
    public long DmaBufBytes { get; init; } = DefaultDmaBufBytes;

    /// <summary>What the receiver's dma-buf is made of.</summary>
    public DeviceMemoryKind Memory { get; init; } = DeviceMemoryKind.Host;
}
