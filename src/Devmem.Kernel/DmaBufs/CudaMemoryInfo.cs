namespace Devmem.Kernel.DmaBufs;

/// <summary>A GPU's memory as <c>cuMemGetInfo</c> reports it, in bytes.</summary>
/// <param name="Free">Not allocated by anyone (this process or others).</param>
/// <param name="Total">The device's memory.</param>
public readonly record struct CudaMemoryInfo(long Free, long Total);
