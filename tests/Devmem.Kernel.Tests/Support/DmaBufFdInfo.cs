using System.Globalization;
using System.Runtime.InteropServices;

namespace Devmem.Kernel.Tests.Support;

/// <summary>
/// What the kernel says of a dma-buf descriptor in <c>/proc/self/fdinfo/FD</c> (<c>dma_buf_show_fdinfo</c>:
/// <c>size</c>, <c>count</c>, <c>exp_name</c>, <c>name</c>): proof that a descriptor is a real dma-buf and
/// of what size, from the kernel rather than the exporter.
/// </summary>
internal sealed record DmaBufFdInfo(long Size, string ExporterName)
{
    public static DmaBufFdInfo Read(SafeHandle fd)
    {
        string path = $"/proc/self/fdinfo/{fd.DangerousGetHandle()}";
        Dictionary<string, string> fields = File.ReadAllLines(path)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);
        Assert.True(fields.ContainsKey("exp_name"), $"{path} has no exp_name: not a dma-buf ({string.Join(", ", fields.Keys)})");
        return new DmaBufFdInfo(long.Parse(fields["size"], CultureInfo.InvariantCulture), fields["exp_name"]);
    }
}
