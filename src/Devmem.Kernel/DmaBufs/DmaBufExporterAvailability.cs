namespace Devmem.Kernel.DmaBufs;

/// <summary>
/// Whether a dma-buf exporter can be used on this machine, and why not: a reason a person can act on
/// (what is missing and how to get it), never just a failed call.
/// </summary>
/// <param name="IsAvailable">Whether buffers can be created.</param>
/// <param name="Reason">What was found (available) or what is missing (unavailable).</param>
public sealed record DmaBufExporterAvailability(bool IsAvailable, string Reason)
{
    /// <summary>The exporter works; <paramref name="detail"/> says what was found.</summary>
    public static DmaBufExporterAvailability Available(string detail) => new(true, detail);

    /// <summary>The exporter cannot work here, because of <paramref name="reason"/>.</summary>
    public static DmaBufExporterAvailability Unavailable(string reason) => new(false, reason);

    /// <inheritdoc/>
    public override string ToString() => (IsAvailable ? "available: " : "unavailable: ") + Reason;
}
