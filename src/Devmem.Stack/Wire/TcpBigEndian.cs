using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Devmem.Stack.Wire;

/// <summary>
/// Big-endian stores with no bounds check, for TCP emitters that have already checked the destination
/// length once. Network byte order is big-endian (RFC 9293 §3.1 figures, RFC 1700 "Data Notations").
/// </summary>
internal static class TcpBigEndian
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write16(ref byte destination, int offset, ushort value) =>
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, offset), BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write32(ref byte destination, int offset, uint value) =>
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, offset), BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);
}
