using Devmem.Uapi;

namespace Devmem.Kernel.DmaBufs;

/// <summary>CUDA driver failures as the project's exception: the nearest errno, the CUDA error's name, what to do.</summary>
internal static class CudaErrors
{
    public static DevmemException Failure(int result, string call)
    {
        Errno errno = result switch
        {
            CudaDriver.ErrorOutOfMemory => Errno.ENOMEM,
            CudaDriver.ErrorNoDevice => Errno.ENODEV,
            _ => Errno.EIO,
        };
        string advice = result switch
        {
            CudaDriver.ErrorOutOfMemory => "the GPU has not that much free memory; use a smaller buffer.",
            CudaDriver.ErrorNoDevice => "the driver sees no GPU (check nvidia-smi and CUDA_VISIBLE_DEVICES).",
            _ => "see the CUDA error; nvidia-smi and the kernel log (dmesg) tell more about the driver's state.",
        };
        return new DevmemException(errno, $"{call} failed with {CudaDriver.ErrorName(result)}: {advice}");
    }
}
