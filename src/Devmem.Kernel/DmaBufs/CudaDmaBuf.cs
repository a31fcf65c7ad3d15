using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using Devmem.Kernel.Interop;
using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Kernel.DmaBufs;

/// <summary>
/// GPU memory exported as a dma-buf through the CUDA driver API: <c>cuMemAlloc</c> in the device's primary
/// context, then <c>cuMemGetHandleForAddressRange(CU_MEM_RANGE_HANDLE_TYPE_DMA_BUF_FD)</c>. The CPU cannot
/// address it (<see cref="DmaBuf.IsHostVisible"/> is false): <see cref="DmaBuf.Read"/> and
/// <see cref="DmaBuf.Write"/> are the GPU's copy engine (<c>cuMemcpyDtoH</c>/<c>cuMemcpyHtoD</c>), which is how
/// received payload is validated.
/// </summary>
/// <remarks>
/// Needs the NVIDIA driver (libcuda.so.1, CUDA 11.7 or later), a GPU that reports
/// <c>CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED</c> (the open kernel modules), and a range aligned to the host
/// page size; <see cref="CheckAvailability"/> says which is missing.
/// </remarks>
public sealed class CudaDmaBuf : DmaBuf, IExportedDmaBuf
{
    private readonly int _device;
    private readonly nint _context;
    private readonly ulong _devicePointer;
    private readonly FileDescriptorHandle _fd;

    private CudaDmaBuf(string name, long size, int device, nint context, ulong devicePointer, FileDescriptorHandle fd)
        : base(name, size)
    {
        _device = device;
        _context = context;
        _devicePointer = devicePointer;
        _fd = fd;
    }

    /// <inheritdoc/>
    public SafeHandle Fd => _fd;

    /// <inheritdoc/>
    public string Exporter => "cuda";

    /// <summary>The CUDA device ordinal the memory lives on.</summary>
    public int Device => _device;

    /// <inheritdoc/>
    public override bool IsHostVisible => false;

    /// <summary>Whether GPU <paramref name="deviceOrdinal"/> can export dma-bufs here, and if not, why.</summary>
    public static unsafe DmaBufExporterAvailability CheckAvailability(int deviceOrdinal = 0)
    {
        if (!NativeLibrary.TryLoad(CudaDriver.Library, out nint library))
        {
            return DmaBufExporterAvailability.Unavailable(
                $"{CudaDriver.Library} cannot be loaded: the NVIDIA driver is not installed on this machine (no GPU, or a container without the driver libraries).");
        }

        if (!NativeLibrary.TryGetExport(library, "cuMemGetHandleForAddressRange", out _))
        {
            return DmaBufExporterAvailability.Unavailable(
                $"{CudaDriver.Library} has no cuMemGetHandleForAddressRange: the NVIDIA driver predates CUDA 11.7; upgrade it.");
        }

        int result = CudaDriver.Init(0);
        if (result != CudaDriver.Success)
        {
            return DmaBufExporterAvailability.Unavailable(
                $"cuInit failed with {CudaDriver.ErrorName(result)}: the driver is installed but no usable GPU is visible (check nvidia-smi, CUDA_VISIBLE_DEVICES, device permissions).");
        }

        int count;
        result = CudaDriver.DeviceGetCount(&count);
        if (result != CudaDriver.Success || deviceOrdinal < 0 || deviceOrdinal >= count)
        {
            return DmaBufExporterAvailability.Unavailable($"CUDA device {deviceOrdinal} does not exist ({count} visible).");
        }

        int device, supported;
        if (CudaDriver.DeviceGet(&device, deviceOrdinal) != CudaDriver.Success ||
            CudaDriver.DeviceGetAttribute(&supported, CudaDriver.AttributeDmaBufSupported, device) != CudaDriver.Success)
        {
            return DmaBufExporterAvailability.Unavailable($"CUDA device {deviceOrdinal} cannot be queried for dma-buf support.");
        }

        string name = DeviceName(device);
        return supported != 0
            ? DmaBufExporterAvailability.Available($"CUDA device {deviceOrdinal} ({name}) exports dma-bufs.")
            : DmaBufExporterAvailability.Unavailable(
                $"CUDA device {deviceOrdinal} ({name}) reports no dma-buf support: it needs the open GPU kernel modules (nvidia-open), a Turing or newer GPU, and a kernel with dma-buf support.");
    }

    /// <summary>Allocates and exports <paramref name="size"/> bytes of GPU memory, or says why it cannot.</summary>
    public static bool TryCreate(long size, [NotNullWhen(true)] out CudaDmaBuf? buffer, out string reason, int deviceOrdinal = 0, string name = "cuda")
    {
        DmaBufExporterAvailability availability = CheckAvailability(deviceOrdinal);
        if (!availability.IsAvailable)
        {
            buffer = null;
            reason = availability.Reason;
            return false;
        }

        try
        {
            buffer = Create(size, deviceOrdinal, name);
            reason = availability.Reason;
            return true;
        }
        catch (DevmemException exception)
        {
            buffer = null;
            reason = exception.Message;
            return false;
        }
    }

    /// <summary>
    /// Allocates <paramref name="size"/> bytes (a positive multiple of 4096) on GPU <paramref name="deviceOrdinal"/>
    /// and exports them as a dma-buf.
    /// </summary>
    /// <exception cref="DevmemException">The driver refused; the message names the CUDA error and what to do.</exception>
    public static unsafe CudaDmaBuf Create(long size, int deviceOrdinal = 0, string name = "cuda")
    {
        Page.RequireWholePages(size);
        DmaBufExporterAvailability availability = CheckAvailability(deviceOrdinal);
        if (!availability.IsAvailable)
        {
            throw new DevmemException(Errno.ENODEV, availability.Reason);
        }

        int device;
        Check(CudaDriver.DeviceGet(&device, deviceOrdinal), "cuDeviceGet");
        nint context;
        Check(CudaDriver.DevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
        ulong pointer = 0;
        try
        {
            using (CudaContextScope.Enter(context))
            {
                Check(CudaDriver.MemAlloc(&pointer, (nuint)size), $"cuMemAlloc({size})");

                // dma-buf export works on host-page-aligned ranges; cuMemAlloc aligns large allocations far beyond.
                if (pointer % DevmemUapi.PageSize != 0)
                {
                    throw new DevmemException(Errno.EINVAL, $"cuMemAlloc returned 0x{pointer:x}, not aligned to the {DevmemUapi.PageSize}-byte host page that dma-buf export needs; allocate a larger buffer.");
                }

                int fd = -1;
                Check(
                    CudaDriver.MemGetHandleForAddressRange(&fd, pointer, (nuint)size, CudaDriver.RangeHandleTypeDmaBufFd, 0),
                    "cuMemGetHandleForAddressRange(CU_MEM_RANGE_HANDLE_TYPE_DMA_BUF_FD)");
                return new CudaDmaBuf(name, size, device, context, pointer, new FileDescriptorHandle(fd));
            }
        }
        catch
        {
            // Undo what succeeded; the failure being reported is the one that matters.
            if (pointer != 0)
            {
                using (CudaContextScope.Enter(context))
                {
                    _ = CudaDriver.MemFree(pointer);
                }
            }

            _ = CudaDriver.DevicePrimaryCtxRelease(device);
            throw;
        }
    }

    /// <summary>
    /// The free and total memory of GPU <paramref name="deviceOrdinal"/> (<c>cuMemGetInfo</c>), to size a
    /// dma-buf or to see that freed buffers gave their memory back.
    /// </summary>
    /// <exception cref="DevmemException">ENODEV where <see cref="CheckAvailability"/> says no; the driver's error otherwise.</exception>
    public static unsafe CudaMemoryInfo GetMemoryInfo(int deviceOrdinal = 0)
    {
        DmaBufExporterAvailability availability = CheckAvailability(deviceOrdinal);
        if (!availability.IsAvailable)
        {
            throw new DevmemException(Errno.ENODEV, availability.Reason);
        }

        int device;
        Check(CudaDriver.DeviceGet(&device, deviceOrdinal), "cuDeviceGet");
        nint context;
        Check(CudaDriver.DevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
        try
        {
            using CudaContextScope scope = CudaContextScope.Enter(context);
            nuint free, total;
            Check(CudaDriver.MemGetInfo(&free, &total), "cuMemGetInfo");
            return new CudaMemoryInfo((long)free, (long)total);
        }
        finally
        {
            _ = CudaDriver.DevicePrimaryCtxRelease(device);
        }
    }

    /// <inheritdoc/>
    protected override Span<byte> GetSpanCore(long offset, int length) =>
        throw new InvalidOperationException($"{this} is GPU memory the CPU cannot address; use Read and Write.");

    /// <inheritdoc/>
    protected override unsafe void WriteCore(long offset, ReadOnlySpan<byte> source)
    {
        using CudaContextScope scope = CudaContextScope.Enter(_context);
        fixed (byte* from = source)
        {
            Check(CudaDriver.MemcpyHtoD(_devicePointer + (ulong)offset, from, (nuint)source.Length), "cuMemcpyHtoD");
        }
    }

    /// <inheritdoc/>
    protected override unsafe void ReadCore(long offset, Span<byte> destination)
    {
        using CudaContextScope scope = CudaContextScope.Enter(_context);
        fixed (byte* to = destination)
        {
            Check(CudaDriver.MemcpyDtoH(to, _devicePointer + (ulong)offset, (nuint)destination.Length), "cuMemcpyDtoH");
        }
    }

    /// <summary>
    /// Closes the dma-buf descriptor, frees the allocation and releases the primary context. A NIC that still
    /// holds the dma-buf (a binding) keeps its own reference to the exported pages.
    /// </summary>
    protected override void FreeMemory()
    {
        _fd.Dispose();
        int freed;
        using (CudaContextScope.Enter(_context))
        {
            freed = CudaDriver.MemFree(_devicePointer);
        }

        int released = CudaDriver.DevicePrimaryCtxRelease(_device);
        Check(freed, "cuMemFree");
        Check(released, "cuDevicePrimaryCtxRelease");
    }

    private static void Check(int result, string call)
    {
        if (result != CudaDriver.Success)
        {
            throw CudaErrors.Failure(result, call);
        }
    }

    private static unsafe string DeviceName(int device)
    {
        byte* name = stackalloc byte[256];
        return CudaDriver.DeviceGetName(name, 256, device) == CudaDriver.Success
            ? Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name))
            : "unnamed";
    }
}
