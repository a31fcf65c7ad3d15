using System.Runtime.InteropServices;

namespace Devmem.Uapi;

/// <summary>One control message read from a control buffer: its level, type and data bytes.</summary>
public readonly ref struct ControlMessage
{
    public ControlMessage(int level, int type, ReadOnlySpan<byte> data)
    {
        Level = level;
        Type = type;
        Data = data;
    }

    /// <summary><c>cmsg_level</c>.</summary>
    public int Level { get; }

    /// <summary><c>cmsg_type</c>.</summary>
    public int Type { get; }

    /// <summary>The <c>cmsg_len - sizeof(cmsghdr)</c> data bytes.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Reads the data as a <see cref="DmabufCmsg"/>; false unless it is exactly 24 bytes.</summary>
    public bool TryGetDmabufCmsg(out DmabufCmsg value) => TryGet(out value, DmabufCmsg.Size);

    /// <summary>Reads the data as the seed's <see cref="RfcV3CmsgDevmem"/>; false unless it is exactly 16 bytes.</summary>
    public bool TryGetRfcV3CmsgDevmem(out RfcV3CmsgDevmem value) => TryGet(out value, RfcV3CmsgDevmem.Size);

    /// <summary>Reads the data as one host-order u32 (e.g. a TX binding id); false unless it is exactly 4 bytes.</summary>
    public bool TryGetUInt32(out uint value) => TryGet(out value, sizeof(uint));

    private bool TryGet<T>(out T value, int size)
        where T : unmanaged
    {
        if (Data.Length != size)
        {
            value = default;
            return false;
        }

        value = MemoryMarshal.Read<T>(Data);
        return true;
    }
}
