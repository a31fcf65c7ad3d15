using System.Runtime.InteropServices;
using System.Text;

namespace Devmem.Kernel.Ethtool.Uapi;

/// <summary>
/// <c>struct ifreq</c> (include/uapi/linux/if.h) as SIOCETHTOOL reads it on LP64: the interface name in 16
/// bytes (<c>IFNAMSIZ</c>, NUL-terminated), then a 24-byte union of which only <c>ifr_data</c>, a pointer to
/// the ethtool command structure, is used. 40 bytes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct InterfaceRequest
{
    /// <summary><c>sizeof(struct ifreq)</c>.</summary>
    public const int Size = 40;

    /// <summary><c>IFNAMSIZ</c>.</summary>
    public const int NameSize = 16;

    [FieldOffset(0)]
    public fixed byte Name[NameSize];

    [FieldOffset(16)]
    public void* Data;

    /// <summary>A request for <paramref name="device"/> pointing at <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The name does not fit IFNAMSIZ with its NUL.</exception>
    public static InterfaceRequest For(string device, void* data)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        var request = new InterfaceRequest { Data = data };
        var name = new Span<byte>(request.Name, NameSize);
        if (Encoding.UTF8.GetByteCount(device) >= NameSize)
        {
            throw new ArgumentException($"interface name '{device}' is longer than the {NameSize - 1} bytes IFNAMSIZ allows.", nameof(device));
        }

        Encoding.UTF8.GetBytes(device, name);
        return request;
    }
}
