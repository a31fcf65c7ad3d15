using System.Diagnostics;
using System.Globalization;
using Devmem.Kernel.DmaBufs;
using Devmem.Memory;

namespace Devmem.Benchmarks.DeviceMemory;

/// <summary>
/// <c>-- device-memory [seconds]</c>: what one NIC write (<see cref="DmaBuf.Write"/>) and one validator read
/// (<see cref="DmaBuf.Read"/>) cost in each kind of device memory this machine has, at the sizes the
/// engine writes (a 1448-byte MSS, a 4 KiB buffer, a 64 KiB GSO segment), at offsets spread over the
/// dma-buf as the page pool hands out chunks. A plain Stopwatch sweep, so it runs where only the .NET runtime
/// is (a GPU machine without the SDK); compare rows of one run, as ratios to host memory.
/// </summary>
internal static class DeviceMemorySweep
{
    private const long BufferBytes = 64L << 20;
    private static readonly int[] Sizes = [64, 1448, 4096, 65536];

    public static int Run(TimeSpan perCell)
    {
        var kinds = new List<(string Name, Func<DmaBuf> Create)> { ("host", () => new HostDmaBuf(BufferBytes, "sweep-host")) };
        Add(kinds, "udmabuf", Udmabuf.CheckAvailability(), () => Udmabuf.Create(BufferBytes, "sweep-udmabuf"));
        Add(kinds, "cuda", CudaDmaBuf.CheckAvailability(), () => CudaDmaBuf.Create(BufferBytes, name: "sweep-cuda"));

        CultureInfo c = CultureInfo.InvariantCulture;
        Console.WriteLine("memory   size   write ns/op  write GB/s  read ns/op  read GB/s  write vs host");
        var hostWrite = new Dictionary<int, double>();
        foreach ((string name, Func<DmaBuf> create) in kinds)
        {
            using DmaBuf dmaBuf = create();
            foreach (int size in Sizes)
            {
                double write = NanosecondsPerOperation(dmaBuf, size, perCell, (d, offset, bytes) => d.Write(offset, bytes));
                double read = NanosecondsPerOperation(dmaBuf, size, perCell, (d, offset, bytes) => d.Read(offset, bytes));
                if (name == "host")
                {
                    hostWrite[size] = write;
                }

                Console.WriteLine(string.Create(c,
                    $"{name,-8} {size,5}  {write,11:F0}  {size / write,10:F2}  {read,10:F0}  {size / read,9:F2}  {hostWrite[size] / write,12:F3}x"));
            }
        }

        return 0;
    }

    private static void Add(List<(string, Func<DmaBuf>)> kinds, string name, DmaBufExporterAvailability availability, Func<DmaBuf> create)
    {
        if (availability.IsAvailable)
        {
            kinds.Add((name, create));
        }
        else
        {
            Console.WriteLine($"{name}: not measured, {availability.Reason}");
        }
    }

    // Offsets step by a 4 KiB page times a stride prime to the buffer's page count, as chunks come from a pool.
    private static double NanosecondsPerOperation(DmaBuf dmaBuf, int size, TimeSpan duration, Action<DmaBuf, long, byte[]> operation)
    {
        byte[] bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        long pages = (BufferBytes - size) / Page.Size;
        long operations = 0;
        long page = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (int i = 0; i < 256; i++)
            {
                operation(dmaBuf, page * Page.Size, bytes);
                page = (page + 4099) % pages;
            }

            operations += 256;
        }

        return clock.Elapsed.TotalNanoseconds / operations;
    }
}
