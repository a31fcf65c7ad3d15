using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Devmem.Uapi;

namespace Devmem.Kernel.Netlink;

/// <summary>
/// One attribute read from a netlink message (<c>struct nlattr</c>, include/uapi/linux/netlink.h): a
/// 4-byte header <c>{ u16 nla_len; u16 nla_type; }</c> then <c>nla_len - 4</c> payload bytes, host byte order.
/// </summary>
/// <remarks>
/// The typed getters check the payload length the way the kernel's policy does (<c>nla_get_u32</c> after
/// <c>NLA_U32</c> validation), so a reply that does not match the uAPI this code follows is an
/// <see cref="Errno.EPROTO"/> error instead of a misread value.
/// </remarks>
public readonly ref struct NetlinkAttribute
{
    /// <summary><c>NLA_HDRLEN</c>.</summary>
    public const int HeaderSize = 4;

    /// <summary><c>NLA_ALIGNTO</c>.</summary>
    public const int Alignment = 4;

    /// <summary><c>NLA_F_NESTED</c>: the payload is itself a list of attributes.</summary>
    public const ushort NestedFlag = 0x8000;

    /// <summary><c>NLA_F_NET_BYTEORDER</c>: the payload is in network byte order.</summary>
    public const ushort NetByteOrderFlag = 0x4000;

    /// <summary><c>NLA_TYPE_MASK</c>: the type without the two flag bits.</summary>
    public const ushort TypeMask = 0x3fff;

    public NetlinkAttribute(ushort rawType, ReadOnlySpan<byte> payload)
    {
        RawType = rawType;
        Payload = payload;
    }

    /// <summary><c>nla_type</c> including the flag bits.</summary>
    public ushort RawType { get; }

    /// <summary>The attribute type (<c>nla_type &amp; NLA_TYPE_MASK</c>).</summary>
    public ushort Type => (ushort)(RawType & TypeMask);

    /// <summary>Whether the sender marked it nested (<c>NLA_F_NESTED</c>).</summary>
    public bool IsNested => (RawType & NestedFlag) != 0;

    /// <summary>The payload, without header or padding.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary><c>NLA_ALIGN(len)</c>.</summary>
    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);

    /// <summary>An <c>NLA_U8</c>.</summary>
    public byte GetU8() => RequireLength(sizeof(byte))[0];

    /// <summary>An <c>NLA_U16</c>.</summary>
    public ushort GetU16() => ReadNative<ushort>(sizeof(ushort));

    /// <summary>An <c>NLA_U32</c>.</summary>
    public uint GetU32() => ReadNative<uint>(sizeof(uint));

    /// <summary>An <c>NLA_S32</c>.</summary>
    public int GetS32() => ReadNative<int>(sizeof(int));

    /// <summary>An <c>NLA_U64</c>.</summary>
    public ulong GetU64() => ReadNative<ulong>(sizeof(ulong));

    /// <summary>
    /// An <c>NLA_UINT</c> (Linux 6.7): 4 bytes when the value fits, otherwise 8 (<c>nla_put_uint</c>).
    /// </summary>
    public ulong GetUInt() => Payload.Length switch
    {
        sizeof(uint) => ReadNative<uint>(sizeof(uint)),
        sizeof(ulong) => ReadNative<ulong>(sizeof(ulong)),
        _ => throw WrongLength("4 or 8"),
    };

    /// <summary>An <c>NLA_STRING</c> or <c>NLA_NUL_STRING</c>: UTF-8 up to the first NUL, if any.</summary>
    public string GetString()
    {
        int end = Payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? Payload : Payload[..end]);
    }

    /// <summary>The payload read as a list of attributes (an <c>NLA_NESTED</c>).</summary>
    public NetlinkAttributeReader GetNested() => new(Payload);

    private T ReadNative<T>(int size)
        where T : unmanaged =>
        MemoryMarshal.Read<T>(RequireLength(size));

    private ReadOnlySpan<byte> RequireLength(int size) =>
        Payload.Length == size ? Payload : throw WrongLength(size.ToString(CultureInfo.InvariantCulture));

    private DevmemException WrongLength(string expected) =>
        new(Errno.EPROTO, $"netlink attribute type {Type} has {Payload.Length} payload bytes where the uAPI has {expected}; the kernel speaks a different version of this family than the one this code follows.");
}
