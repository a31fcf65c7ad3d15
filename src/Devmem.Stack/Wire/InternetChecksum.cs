using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Devmem.Stack.Wire;

/// <summary>
/// The Internet checksum (RFC 1071): the 16-bit one's-complement of the one's-complement sum of
/// big-endian 16-bit words. Partial sums from <see cref="Accumulate"/> may be added together
/// (as long as each piece except the last has even length) and folded once at the end.
/// </summary>
public static class InternetChecksum
{
    /// <summary>
    /// Adds <paramref name="data"/> to a one's-complement partial sum of big-endian 16-bit words.
    /// An odd final byte is padded with a zero byte (RFC 1071 §4.1). The result is not folded to 16 bits;
    /// it may be added to other partial sums (each piece but the last of even length) and passed to
    /// <see cref="Fold"/> or <see cref="Finish"/>.
    /// </summary>
    /// <remarks>
    /// The bulk is summed in the machine's native byte order and byte-swapped once after folding, which
    /// RFC 1071 §2(B) shows is equivalent. Vector256 (or Vector128) lanes are read as 64-bit values and
    /// split into 32-bit halves added into 64-bit accumulators, so no carry is ever lost for any span length.
    /// </remarks>
    public static uint Accumulate(ReadOnlySpan<byte> data, uint initial = 0)
    {
        ulong native = SumNative(ref MemoryMarshal.GetReference(data), (nuint)data.Length);
        return AddNative(initial, native);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the start of <paramref name="destination"/> and returns
    /// <see cref="Accumulate"/> of it in the same pass: each byte is read once, while it is in registers, instead
    /// of once to copy and again to sum (a NIC's checksum on DMA, Linux <c>csum_partial_copy_nocheck</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static uint CopyAndAccumulate(ReadOnlySpan<byte> source, Span<byte> destination, uint initial = 0)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"the destination holds {destination.Length} bytes, not {source.Length}", nameof(destination));
        }

        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)source.Length;
        nuint i = 0;
        ulong native = 0;
        if (Vector256.IsHardwareAccelerated && length >= 128)
        {
            // As SumNative's main loop, with each vector stored as soon as it is loaded.
            Vector256<ulong> low = Vector256.Create(0xFFFF_FFFFul);
            Vector256<ulong> a0 = Vector256<ulong>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i + 128 <= length; i += 128)
            {
                Vector256<ulong> v0 = Vector256.LoadUnsafe(ref from, i).AsUInt64();
                Vector256<ulong> v1 = Vector256.LoadUnsafe(ref from, i + 32).AsUInt64();
                Vector256<ulong> v2 = Vector256.LoadUnsafe(ref from, i + 64).AsUInt64();
                Vector256<ulong> v3 = Vector256.LoadUnsafe(ref from, i + 96).AsUInt64();
                v0.StoreUnsafe(ref Unsafe.As<byte, ulong>(ref to), i / 8);
                v1.StoreUnsafe(ref Unsafe.As<byte, ulong>(ref to), i / 8 + 4);
                v2.StoreUnsafe(ref Unsafe.As<byte, ulong>(ref to), i / 8 + 8);
                v3.StoreUnsafe(ref Unsafe.As<byte, ulong>(ref to), i / 8 + 12);
                a0 += (v0 & low) + (v0 >>> 32);
                a1 += (v1 & low) + (v1 >>> 32);
                a2 += (v2 & low) + (v2 >>> 32);
                a3 += (v3 & low) + (v3 >>> 32);
            }

            native = Vector256.Sum((a0 + a1) + (a2 + a3));
        }

        // The rest (fewer than 128 bytes, starting at an even offset, so its words line up): copied, then summed.
        nuint rest = length - i;
        Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref to, i), ref Unsafe.Add(ref from, i), (uint)rest);
        native += SumNative(ref Unsafe.Add(ref from, i), rest);
        return AddNative(initial, native);
    }

    /// <summary>
    /// Adds the partial sum of a piece that starts <paramref name="pieceOffset"/> bytes into the data to the sum
    /// of what precedes it: a piece at an odd offset was summed with its bytes in the other halves of their words,
    /// which swapping its folded sum puts right (RFC 1071 §2(B), byte-order independence).
    /// </summary>
    public static uint Combine(uint sum, uint piece, int pieceOffset)
    {
        if ((pieceOffset & 1) != 0)
        {
            piece = BinaryPrimitives.ReverseEndianness(Fold(piece));
        }

        return Fold32((ulong)sum + piece);
    }

    // A sum taken in the machine's byte order, folded and put in network order, added to a partial sum.
    private static uint AddNative(uint initial, ulong native)
    {
        ushort folded = Fold(native);
        if (BitConverter.IsLittleEndian)
        {
            folded = BinaryPrimitives.ReverseEndianness(folded);
        }
        return Fold32((ulong)initial + folded);
    }

    // 32 zero bytes then 32 0xFF bytes: the 32-byte window at offset n (16-byte window at 16 + n) keeps
    // the last n bytes of a vector.
    private static ReadOnlySpan<byte> TailMask =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];

    // Sum of the buffer as native-order 16-bit words, in 64 bits with every carry kept (fold later).
    // Each vector is read as 64-bit lanes and split into 32-bit halves, so a lane grows by < 2^33 per
    // vector: no overflow for any span length. The last partial vector is a full-width load ending at
    // the last even offset, with the bytes already summed masked off (length >= one vector, so it stays
    // in bounds, and it starts on an even offset, so words stay aligned to the start of the data).
    private static ulong SumNative(ref byte p, nuint length)
    {
        ulong sum = 0;
        nuint i = 0;
        nuint even = length & ~(nuint)1;
        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<byte>.Count)
        {
            Vector256<ulong> low = Vector256.Create(0xFFFF_FFFFul);
            Vector256<ulong> a0 = Vector256<ulong>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i + 128 <= length; i += 128)
            {
                Vector256<ulong> v0 = Vector256.LoadUnsafe(ref p, i).AsUInt64();
                Vector256<ulong> v1 = Vector256.LoadUnsafe(ref p, i + 32).AsUInt64();
                Vector256<ulong> v2 = Vector256.LoadUnsafe(ref p, i + 64).AsUInt64();
                Vector256<ulong> v3 = Vector256.LoadUnsafe(ref p, i + 96).AsUInt64();
                a0 += (v0 & low) + (v0 >>> 32);
                a1 += (v1 & low) + (v1 >>> 32);
                a2 += (v2 & low) + (v2 >>> 32);
                a3 += (v3 & low) + (v3 >>> 32);
            }
            for (; i + 32 <= length; i += 32)
            {
                Vector256<ulong> v = Vector256.LoadUnsafe(ref p, i).AsUInt64();
                a1 += (v & low) + (v >>> 32);
            }
            if (i < even)
            {
                Vector256<byte> mask = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(TailMask), even - i);
                Vector256<ulong> v = (Vector256.LoadUnsafe(ref p, even - 32) & mask).AsUInt64();
                a2 += (v & low) + (v >>> 32);
                i = even;
            }
            sum = Vector256.Sum((a0 + a1) + (a2 + a3));
        }
        else if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<byte>.Count)
        {
            Vector128<ulong> low = Vector128.Create(0xFFFF_FFFFul);
            Vector128<ulong> a0 = Vector128<ulong>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i + 64 <= length; i += 64)
            {
                Vector128<ulong> v0 = Vector128.LoadUnsafe(ref p, i).AsUInt64();
                Vector128<ulong> v1 = Vector128.LoadUnsafe(ref p, i + 16).AsUInt64();
                Vector128<ulong> v2 = Vector128.LoadUnsafe(ref p, i + 32).AsUInt64();
                Vector128<ulong> v3 = Vector128.LoadUnsafe(ref p, i + 48).AsUInt64();
                a0 += (v0 & low) + (v0 >>> 32);
                a1 += (v1 & low) + (v1 >>> 32);
                a2 += (v2 & low) + (v2 >>> 32);
                a3 += (v3 & low) + (v3 >>> 32);
            }
            for (; i + 16 <= length; i += 16)
            {
                Vector128<ulong> v = Vector128.LoadUnsafe(ref p, i).AsUInt64();
                a1 += (v & low) + (v >>> 32);
            }
            if (i < even)
            {
                Vector128<byte> mask = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(TailMask), 16 + (even - i));
                Vector128<ulong> v = (Vector128.LoadUnsafe(ref p, even - 16) & mask).AsUInt64();
                a2 += (v & low) + (v >>> 32);
                i = even;
            }
            sum = Vector128.Sum((a0 + a1) + (a2 + a3));
        }
        // Scalar: short buffers, and the odd final byte.
        for (; i + 8 <= length; i += 8)
        {
            ulong x = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i));
            sum += (x & 0xFFFF_FFFF) + (x >> 32);
        }
        if (i + 4 <= length)
        {
            sum += Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i));
            i += 4;
        }
        if (i + 2 <= length)
        {
            sum += Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref p, i));
            i += 2;
        }
        if (i < length)
        {
            // The pad byte goes in the low-order position of the big-endian word (RFC 1071 §4.1).
            uint last = Unsafe.Add(ref p, i);
            sum += BitConverter.IsLittleEndian ? last : last << 8;
        }
        return sum;
    }

    /// <summary>Folds a sum to 16 bits with end-around carry (not complemented).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Fold(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>Folds and complements: the value to store in a checksum field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Finish(ulong sum) => (ushort)~Fold(sum);

    /// <summary>The checksum of <paramref name="data"/>: <c>Finish(Accumulate(data))</c>.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Accumulate(data));

    /// <summary>Partial sum of the IPv4 pseudo-header (RFC 9293 §3.1): src, dst, zero, protocol, length.</summary>
    public static uint PseudoHeaderIPv4(ReadOnlySpan<byte> src4, ReadOnlySpan<byte> dst4, byte protocol, int length)
    {
        ulong sum = (ulong)BinaryPrimitives.ReadUInt16BigEndian(src4) + BinaryPrimitives.ReadUInt16BigEndian(src4.Slice(2))
                  + BinaryPrimitives.ReadUInt16BigEndian(dst4) + BinaryPrimitives.ReadUInt16BigEndian(dst4.Slice(2))
                  + protocol + (uint)(ushort)length;
        return Fold32(sum);
    }

    /// <summary>Partial sum of the IPv6 pseudo-header (RFC 8200 §8.1): src, dst, 32-bit length, 24 zero bits, next header.</summary>
    public static uint PseudoHeaderIPv6(ReadOnlySpan<byte> src16, ReadOnlySpan<byte> dst16, byte nextHeader, int length)
    {
        ulong sum = (ulong)Accumulate(src16.Slice(0, 16)) + Accumulate(dst16.Slice(0, 16))
                  + ((uint)length >> 16) + ((uint)length & 0xFFFF) + nextHeader;
        return Fold32(sum);
    }

    /// <summary>Incremental update (RFC 1624 eqn. 3): HC' = ~(~HC + ~m + m').</summary>
    public static ushort Update(ushort checksum, ushort oldValue, ushort newValue)
    {
        uint sum = (uint)(ushort)~checksum + (ushort)~oldValue + newValue;
        return (ushort)~Fold(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Fold32(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        return (uint)sum;
    }
}
