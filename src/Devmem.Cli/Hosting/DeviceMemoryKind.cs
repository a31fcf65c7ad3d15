namespace Devmem.Cli.Hosting;

/// <summary>
/// What backs the user-space engine's dma-buf: the memory its emulated NIC writes payload into and the
/// application reads descriptors of.
/// </summary>
internal enum DeviceMemoryKind
{
    /// <summary>Anonymous host memory: works everywhere, the CPU reads payload where it lies.</summary>
    Host,

    /// <summary>A udmabuf (<c>/dev/udmabuf</c>): host pages exported as a real dma-buf.</summary>
    Udmabuf,

    /// <summary>
    /// GPU memory through the CUDA driver, exported as a dma-buf: the NIC's writes are the GPU's copy engine,
    /// so payload lands on the GPU as it would from a devmem-capable NIC, on a machine without one.
    /// </summary>
    Cuda,
}
