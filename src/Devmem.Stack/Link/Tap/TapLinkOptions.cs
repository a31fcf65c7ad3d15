namespace Devmem.Stack.Link.Tap;

/// <summary>How a <see cref="TapLink"/> attaches to the kernel: which device, whether it must exist, and its offloads.</summary>
public sealed record TapLinkOptions
{
    /// <summary>
    /// The TAP device's name (at most 15 bytes). A missing device is created (it lives while the link is open,
    /// unless made persistent elsewhere); null lets the kernel choose <c>tapN</c>.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>Refuse (ENODEV) instead of creating the device when <see cref="Name"/> does not exist.</summary>
    public bool MustExist { get; init; }

    /// <summary>Set the device up (<c>ip link set NAME up</c>) after attaching; addresses are the caller's business.</summary>
    public bool BringUp { get; init; } = true;

    /// <summary>
    /// Accept checksum and TCP segmentation offloads (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6): the kernel then
    /// hands over up to 64 KiB GSO frames with partial checksums, few per window, instead of MTU-sized ones.
    /// False clears them, since they persist on a persistent device.
    /// </summary>
    public bool Offloads { get; init; } = true;
}
