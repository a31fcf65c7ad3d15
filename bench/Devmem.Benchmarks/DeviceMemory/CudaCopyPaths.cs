using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Devmem.Benchmarks.DeviceMemory;

/// <summary>
/// <c>-- cuda-copy-paths [seconds]</c>: the ways a software NIC could put a received buffer into GPU memory,
/// priced per buffer on this machine's GPU: a synchronous copy from pageable memory (what
/// <c>CudaDmaBuf.Write</c> does), the same from page-locked memory, and asynchronous copies from
/// page-locked memory on one stream with a synchronize every N buffers (a NIC that makes a batch visible at
/// once). Which one the engine should use is what this decides; it needs the NVIDIA driver.
/// </summary>
internal static unsafe partial class CudaCopyPaths
{
    private const string Library = "libcuda.so.1";
    private const long DeviceBytes = 64L << 20;
    private static readonly int[] Sizes = [1448, 4096, 65536];

    public static int Run(TimeSpan perCell)
    {
        if (!NativeLibrary.TryLoad(Library, out _) || cuInit(0) != 0)
        {
            Console.WriteLine($"no CUDA driver here ({Library} or cuInit failed): nothing to measure");
            return 1;
        }

        int device;
        nint context, stream;
        ulong target;
        Check(cuDeviceGet(&device, 0));
        Check(cuDevicePrimaryCtxRetain(&context, device));
        Check(cuCtxSetCurrent(context));
        Check(cuMemAlloc_v2(&target, DeviceBytes));
        Check(cuStreamCreate(&stream, 1));   // CU_STREAM_NON_BLOCKING
        byte* pageable = (byte*)NativeMemory.AlignedAlloc(1 << 20, 4096);
        byte* locked = (byte*)NativeMemory.AlignedAlloc(1 << 20, 4096);
        Check(cuMemHostRegister_v2(locked, 1 << 20, 0));
        try
        {
            CultureInfo c = CultureInfo.InvariantCulture;
            Console.WriteLine("size   pageable sync  locked sync  locked async/16  locked async/256   (ns per buffer)");
            foreach (int size in Sizes)
            {
                double pageableSync = PriceSync(perCell, size, pageable, target);
                double lockedSync = PriceSync(perCell, size, locked, target);
                double async16 = PriceAsync(perCell, size, 16, locked, stream, target);
                double async256 = PriceAsync(perCell, size, 256, locked, stream, target);
                Console.WriteLine(string.Create(c, $"{size,5}  {pageableSync,13:F0}  {lockedSync,11:F0}  {async16,15:F0}  {async256,16:F0}"));
            }

        }
        finally
        {
            _ = cuMemHostUnregister(locked);
            NativeMemory.AlignedFree(locked);
            NativeMemory.AlignedFree(pageable);
            _ = cuStreamDestroy_v2(stream);
            _ = cuMemFree_v2(target);
            _ = cuDevicePrimaryCtxRelease_v2(device);
        }

        return 0;
    }

    private static double PriceSync(TimeSpan duration, int size, byte* source, ulong target)
    {
        long copies = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (int i = 0; i < 256; i++, copies++)
            {
                Check(cuMemcpyHtoD_v2(Spread(target, copies), source + (copies * size % ((1 << 20) - size)), (nuint)size));
            }
        }

        return clock.Elapsed.TotalNanoseconds / copies;
    }

    // One 4 KiB chunk after another across the allocation, as a page pool hands them out.
    private static ulong Spread(ulong target, long copy) => target + (ulong)(copy * 4096 % (DeviceBytes - 65536));

    private static double PriceAsync(TimeSpan duration, int size, int batch, byte* source, nint stream, ulong target)
    {
        long copies = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (int i = 0; i < batch; i++, copies++)
            {
                Check(cuMemcpyHtoDAsync_v2(Spread(target, copies), source + (copies * size % ((1 << 20) - size)), (nuint)size, stream));
            }

            Check(cuStreamSynchronize(stream));
        }

        return clock.Elapsed.TotalNanoseconds / copies;
    }

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"CUDA driver call failed with CUresult {result}");
        }
    }

#pragma warning disable SA1300, IDE1006 // the driver's own names
    [LibraryImport(Library)] private static partial int cuInit(uint flags);
    [LibraryImport(Library)] private static partial int cuDeviceGet(int* device, int ordinal);
    [LibraryImport(Library)] private static partial int cuDevicePrimaryCtxRetain(nint* context, int device);
    [LibraryImport(Library)] private static partial int cuDevicePrimaryCtxRelease_v2(int device);
    [LibraryImport(Library)] private static partial int cuCtxSetCurrent(nint context);
    [LibraryImport(Library)] private static partial int cuMemAlloc_v2(ulong* pointer, long size);
    [LibraryImport(Library)] private static partial int cuMemFree_v2(ulong pointer);
    [LibraryImport(Library)] private static partial int cuMemHostRegister_v2(void* pointer, nuint size, uint flags);
    [LibraryImport(Library)] private static partial int cuMemHostUnregister(void* pointer);
    [LibraryImport(Library)] private static partial int cuMemcpyHtoD_v2(ulong destination, void* source, nuint size);
    [LibraryImport(Library)] private static partial int cuMemcpyHtoDAsync_v2(ulong destination, void* source, nuint size, nint stream);
    [LibraryImport(Library)] private static partial int cuStreamCreate(nint* stream, uint flags);
    [LibraryImport(Library)] private static partial int cuStreamSynchronize(nint stream);
    [LibraryImport(Library)] private static partial int cuStreamDestroy_v2(nint stream);
#pragma warning restore SA1300, IDE1006
}
