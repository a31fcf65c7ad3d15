using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Devmem.Stack.Link.Interop;

/// <summary>
/// <c>struct ifreq</c> (linux/if.h, 40 bytes on LP64): the interface name in 16 bytes (IFNAMSIZ, NUL included),
/// then a union whose first member is what each ioctl reads: <c>ifr_flags</c> (short) for TUNSETIFF and
/// SIOCGIFFLAGS, <c>ifr_ifindex</c> or <c>ifr_mtu</c> (int) for others.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct InterfaceRequest
{
    /// <summary>IFNAMSIZ: the name with its terminating NUL.</summary>
    public const int NameSize = 16;

    [FieldOffset(0)]
    private NameBuffer _name;

    /// <summary><c>ifr_flags</c>.</summary>
    [FieldOffset(16)]
    public short Flags;

    /// <summary><c>ifr_ifindex</c> / <c>ifr_mtu</c>.</summary>
    [FieldOffset(16)]
    public int Value;

    /// <summary>The name, as the kernel wrote it back (TUNSETIFF fills in the name it chose for <c>tap%d</c>).</summary>
    public string Name
    {
        readonly get
        {
            ReadOnlySpan<byte> bytes = _name;
            int end = bytes.IndexOf((byte)0);
            return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
        }
        set
        {
            Span<byte> bytes = _name;
            bytes.Clear();
            if (Encoding.ASCII.GetByteCount(value) >= NameSize)
            {
                throw new ArgumentException($"interface name '{value}' is longer than {NameSize - 1} bytes (IFNAMSIZ)", nameof(value));
            }
            Encoding.ASCII.GetBytes(value, bytes);
        }
    }

    [InlineArray(NameSize)]
    private struct NameBuffer
    {
        private byte _first;
    }
}
