using System.CommandLine;
using Devmem.Kernel.DmaBufs;
using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Cli.Hosting;

/// <summary>Makes the dma-buf a <see cref="DeviceMemoryKind"/> names, and the <c>--memory</c> option that chooses it.</summary>
internal static class DeviceMemory
{
    /// <summary>
    /// Allocates <paramref name="bytes"/> of <paramref name="kind"/> memory.
    /// </summary>
    /// <exception cref="DevmemException">
    /// ENODEV when this machine has no such memory (no <c>/dev/udmabuf</c>, no GPU or driver), with the exporter's
    /// reason; or the exporter's own error when the allocation fails.
    /// </exception>
    public static DmaBuf Create(DeviceMemoryKind kind, long bytes, string name) =>
        CreateOrExplain(kind, bytes, name, "Use --memory host instead.");

    /// <summary>
    /// Allocates <paramref name="bytes"/> of <paramref name="kind"/> memory exported as a real dma-buf, for the
    /// kernel engine's bind-rx: host memory has no dma-buf descriptor the kernel could attach to a NIC.
    /// </summary>
    /// <exception cref="DevmemException">As <see cref="Create"/>; EINVAL for host memory.</exception>
    public static DmaBuf CreateExported(DeviceMemoryKind kind, long bytes, string name) =>
        kind == DeviceMemoryKind.Host
            ? throw new DevmemException(Errno.EINVAL,
                "--memory host cannot be bound by the kernel: bind-rx takes a dma-buf descriptor, which plain host memory does not have; " +
                "use --memory udmabuf or --memory cuda with --engine kernel.")
            : CreateOrExplain(kind, bytes, name, "The kernel engine takes --memory udmabuf or --memory cuda.");

    /// <summary>The descriptor the kernel attaches, of a dma-buf <see cref="CreateExported"/> made.</summary>
    public static IExportedDmaBuf Exported(DmaBuf dmaBuf) =>
        dmaBuf as IExportedDmaBuf ?? throw new ArgumentException($"{dmaBuf} is not an exported dma-buf", nameof(dmaBuf));

    /// <summary>A line describing <paramref name="dmaBuf"/> for summaries: its kind and, for a GPU, which one.</summary>
    public static string Describe(DmaBuf dmaBuf) => dmaBuf switch
    {
        CudaDmaBuf cuda => $"GPU memory (CUDA device {cuda.Device})",
        Udmabuf => "udmabuf (host pages)",
        _ => "host memory",
    };

    /// <summary>
    /// The <c>--memory</c> option. Unset, each engine takes its own default: host memory for the user-space
    /// engine, a udmabuf for the kernel's (ncdevmem's choice).
    /// </summary>
    public static Option<DeviceMemoryKind?> Option() => new("--memory")
    {
        HelpName = "host|udmabuf|cuda",
        Description =
            "What the receiver's dma-buf is: host memory (the user-space engine's default), a udmabuf (/dev/udmabuf; the " +
            "kernel engine's default), or GPU memory through CUDA (payload lands on the GPU; validation copies it back).",
    };

    private static DmaBuf CreateOrExplain(DeviceMemoryKind kind, long bytes, string name, string advice) => kind switch
    {
        DeviceMemoryKind.Host => new HostDmaBuf(bytes, name),
        DeviceMemoryKind.Udmabuf => Udmabuf.TryCreate(bytes, out Udmabuf? udmabuf, out string reason, name)
            ? udmabuf
            : throw Unavailable("udmabuf", reason, advice),
        DeviceMemoryKind.Cuda => CudaDmaBuf.TryCreate(bytes, out CudaDmaBuf? cuda, out string reason, name: name)
            ? cuda
            : throw Unavailable("cuda", reason, advice),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind of device memory"),
    };

    private static DevmemException Unavailable(string kind, string reason, string advice) =>
        new(Errno.ENODEV, $"--memory {kind} is not available on this machine: {reason} {advice}");
}
