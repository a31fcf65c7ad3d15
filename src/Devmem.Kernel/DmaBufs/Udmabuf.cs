using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Devmem.Kernel.Interop;
using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Kernel.DmaBufs;

/// <summary>
/// Host memory exported as a real dma-buf by the kernel's udmabuf driver (drivers/dma-buf/udmabuf.c): a
/// memfd sealed against shrinking, turned into a dma-buf with <c>UDMABUF_CREATE</c> on <c>/dev/udmabuf</c>.
/// This is what the kernel's devmem selftest (ncdevmem) binds. The CPU reaches the same pages through the
/// memfd's mapping, so received payload can be checked directly.
/// </summary>
public sealed class Udmabuf : DmaBuf, IExportedDmaBuf
{
    /// <summary>The udmabuf device node.</summary>
    public const string DevicePath = "/dev/udmabuf";

    private readonly MemfdDmaBuf _memory;
    private readonly FileDescriptorHandle _fd;

    private Udmabuf(string name, MemfdDmaBuf memory, FileDescriptorHandle fd)
        : base(name, memory.Size)
    {
        _memory = memory;
        _fd = fd;
    }

    /// <inheritdoc/>
    public SafeHandle Fd => _fd;

    /// <inheritdoc/>
    public string Exporter => "udmabuf";

    /// <inheritdoc/>
    public override bool IsHostVisible => true;

    /// <summary>Whether <c>/dev/udmabuf</c> exists and can be opened by this process.</summary>
    public static DmaBufExporterAvailability CheckAvailability()
    {
        if (!File.Exists(DevicePath))
        {
            return DmaBufExporterAvailability.Unavailable(
                $"{DevicePath} does not exist: this kernel was built without CONFIG_UDMABUF or the udmabuf module is not loaded (modprobe udmabuf).");
        }

        using FileDescriptorHandle? device = TryOpenDevice(out Errno errno);
        return device is not null
            ? DmaBufExporterAvailability.Available($"{DevicePath} opens read-write.")
            : DmaBufExporterAvailability.Unavailable($"{DevicePath} exists but open(O_RDWR) fails with {errno.Name()} ({errno.Describe()}): run as root or give this user access to the device.");
    }

    /// <summary>Creates a udmabuf of <paramref name="size"/> bytes, or says why it cannot.</summary>
    public static bool TryCreate(long size, [NotNullWhen(true)] out Udmabuf? buffer, out string reason, string name = "udmabuf")
    {
        DmaBufExporterAvailability availability = CheckAvailability();
        if (!availability.IsAvailable)
        {
            buffer = null;
            reason = availability.Reason;
            return false;
        }

        try
        {
            buffer = Create(size, name);
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

    /// <summary>Creates a udmabuf of <paramref name="size"/> bytes (a positive multiple of 4096).</summary>
    /// <exception cref="DevmemException">The device is missing or refused; the message says why and what to do.</exception>
    public static unsafe Udmabuf Create(long size, string name = "udmabuf")
    {
        using FileDescriptorHandle device = TryOpenDevice(out Errno errno)
            ?? throw new DevmemException(errno, $"open({DevicePath}) failed: {CheckAvailability().Reason}");
        var memory = new MemfdDmaBuf(size, name);
        bool referenced = false;
        try
        {
            memory.Fd.DangerousAddRef(ref referenced);
            var request = new UdmabufCreate
            {
                Memfd = (uint)memory.Fd.DangerousGetHandle(),
                Flags = UdmabufCreate.FlagsCloexec,
                Offset = 0,
                Size = (ulong)size,
            };
            int fd = LibC.Ioctl(device, UdmabufCreate.Ioctl, &request);
            if (fd < 0)
            {
                Errno failure = LibC.LastErrno();
                throw new DevmemException(failure, $"ioctl(UDMABUF_CREATE, {size} bytes) failed: {CreateAdvice(failure)}");
            }

            return new Udmabuf(name, memory, new FileDescriptorHandle(fd));
        }
        catch
        {
            memory.Dispose();
            throw;
        }
        finally
        {
            if (referenced)
            {
                memory.Fd.DangerousRelease();
            }
        }
    }

    /// <inheritdoc/>
    protected override Span<byte> GetSpanCore(long offset, int length) => _memory.GetSpan(offset, length);

    /// <inheritdoc/>
    protected override void WriteCore(long offset, ReadOnlySpan<byte> source) => _memory.Write(offset, source);

    /// <inheritdoc/>
    protected override void ReadCore(long offset, Span<byte> destination) => _memory.Read(offset, destination);

    /// <summary>Closes the dma-buf descriptor and drops the memfd; the pages live on while the kernel holds the dma-buf.</summary>
    protected override void FreeMemory()
    {
        _fd.Dispose();
        _memory.Dispose();
    }

    private static FileDescriptorHandle? TryOpenDevice(out Errno errno)
    {
        int fd = LibC.Open(DevicePath, LibC.O_RDWR | LibC.O_CLOEXEC);
        errno = fd < 0 ? LibC.LastErrno() : Errno.None;
        return fd < 0 ? null : new FileDescriptorHandle(fd);
    }

    // udmabuf_create: EINVAL for a size over size_limit_mb, an unaligned range or the wrong seals
    // (check_memfd_seals: F_SEAL_SHRINK wanted, F_SEAL_WRITE and F_SEAL_FUTURE_WRITE denied).
    private static string CreateAdvice(Errno errno) => errno switch
    {
        Errno.EINVAL => "the size exceeds the driver's limit (udmabuf.size_limit_mb, 64 MiB by default) or the memfd's seals are not F_SEAL_SHRINK without F_SEAL_WRITE; use a smaller buffer or raise the limit.",
        Errno.ENOMEM => "the kernel could not pin the pages; lower the size or free memory.",
        _ => "the udmabuf driver refused the memfd.",
    };
}
