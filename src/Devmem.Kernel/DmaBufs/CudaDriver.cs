using System.Runtime.InteropServices;

namespace Devmem.Kernel.DmaBufs;

/// <summary>
/// The CUDA driver API calls the GPU exporter needs (cuda.h; every call returns a <c>CUresult</c>, 0 on
/// success). The library is probed with <see cref="NativeLibrary.TryLoad(string, out nint)"/> before any of
/// these binds, so a machine without the NVIDIA driver gets a reason instead of a DllNotFoundException.
/// </summary>
internal static unsafe partial class CudaDriver
{
    /// <summary>The driver library's soname (installed with the NVIDIA kernel driver, not the CUDA toolkit).</summary>
    public const string Library = "libcuda.so.1";

    /// <summary><c>CUDA_SUCCESS</c>.</summary>
    public const int Success = 0;

    /// <summary><c>CUDA_ERROR_OUT_OF_MEMORY</c>.</summary>
    public const int ErrorOutOfMemory = 2;

    /// <summary><c>CUDA_ERROR_NO_DEVICE</c>.</summary>
    public const int ErrorNoDevice = 100;

    /// <summary><c>CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED</c>: the device can export its memory as dma-bufs.</summary>
    public const int AttributeDmaBufSupported = 124;

    /// <summary><c>CU_MEM_RANGE_HANDLE_TYPE_DMA_BUF_FD</c>.</summary>
    public const int RangeHandleTypeDmaBufFd = 1;

    [LibraryImport(Library, EntryPoint = "cuInit")]
    public static partial int Init(uint flags);

    [LibraryImport(Library, EntryPoint = "cuDeviceGetCount")]
    public static partial int DeviceGetCount(int* count);

    [LibraryImport(Library, EntryPoint = "cuDeviceGet")]
    public static partial int DeviceGet(int* device, int ordinal);

    [LibraryImport(Library, EntryPoint = "cuDeviceGetName")]
    public static partial int DeviceGetName(byte* name, int length, int device);

    [LibraryImport(Library, EntryPoint = "cuDeviceGetAttribute")]
    public static partial int DeviceGetAttribute(int* value, int attribute, int device);

    [LibraryImport(Library, EntryPoint = "cuDevicePrimaryCtxRetain")]
    public static partial int DevicePrimaryCtxRetain(nint* context, int device);

    [LibraryImport(Library, EntryPoint = "cuDevicePrimaryCtxRelease_v2")]
    public static partial int DevicePrimaryCtxRelease(int device);

    [LibraryImport(Library, EntryPoint = "cuCtxPushCurrent_v2")]
    public static partial int CtxPushCurrent(nint context);

    [LibraryImport(Library, EntryPoint = "cuCtxPopCurrent_v2")]
    public static partial int CtxPopCurrent(nint* context);

    [LibraryImport(Library, EntryPoint = "cuMemAlloc_v2")]
    public static partial int MemAlloc(ulong* devicePointer, nuint size);

    [LibraryImport(Library, EntryPoint = "cuMemFree_v2")]
    public static partial int MemFree(ulong devicePointer);

    [LibraryImport(Library, EntryPoint = "cuMemGetInfo_v2")]
    public static partial int MemGetInfo(nuint* free, nuint* total);

    [LibraryImport(Library, EntryPoint = "cuMemcpyHtoD_v2")]
    public static partial int MemcpyHtoD(ulong destination, void* source, nuint size);

    [LibraryImport(Library, EntryPoint = "cuMemcpyDtoH_v2")]
    public static partial int MemcpyDtoH(void* destination, ulong source, nuint size);

    /// <summary>CUDA 11.7+: exports a device address range; for DMA_BUF_FD, <paramref name="handle"/> receives an int fd.</summary>
    [LibraryImport(Library, EntryPoint = "cuMemGetHandleForAddressRange")]
    public static partial int MemGetHandleForAddressRange(void* handle, ulong devicePointer, nuint size, int handleType, ulong flags);

    [LibraryImport(Library, EntryPoint = "cuGetErrorName")]
    public static partial int GetErrorName(int result, byte** name);

    /// <summary>The <c>CUDA_ERROR_*</c> name of <paramref name="result"/>.</summary>
    public static string ErrorName(int result)
    {
        byte* name;
        return GetErrorName(result, &name) == Success && name is not null
            ? Marshal.PtrToStringUTF8((nint)name) ?? $"CUresult {result}"
            : $"CUresult {result}";
    }
}
