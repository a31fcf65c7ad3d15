using System.Runtime.InteropServices;

namespace Devmem.Kernel.DmaBufs;

/// <summary>
/// Memory exported as a real Linux dma-buf: a file descriptor the kernel's <c>dma_buf_get()</c> accepts,
/// which bind-rx and bind-tx attach to a NIC.
/// </summary>
public interface IExportedDmaBuf
{
    /// <summary>The dma-buf descriptor; it belongs to the exporting object and closes with it.</summary>
    SafeHandle Fd { get; }

    /// <summary>Bytes in the dma-buf.</summary>
    long Size { get; }

    /// <summary>Which exporter made it (<c>udmabuf</c>, <c>cuda</c>), for messages.</summary>
    string Exporter { get; }
}
