using System.Buffers.Binary;

namespace Devmem.Stack.Nic;

/// <summary>
/// The Toeplitz hash of Microsoft's RSS specification ("Verifying the RSS Hash Calculation"), which NICs
/// compute in hardware and Linux exposes as <c>ethtool -x</c>'s "toeplitz" function: for every set bit of
/// the input, XOR in the 32 key bits starting at that bit position.
/// </summary>
public static class ToeplitzHash
{
    /// <summary>The key length every NIC here uses (40 bytes, as the spec's and most drivers' default).</summary>
    public const int KeyLength = 40;

    /// <summary>The spec's sample key, which Linux drivers also ship as their default.</summary>
    public static ReadOnlySpan<byte> DefaultKey =>
    [
        0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
        0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
        0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
    ];

    /// <summary>
    /// Hashes <paramref name="input"/> (at most <c>key.Length - 4</c> bytes: 36 for a 40-byte key, enough for
    /// the IPv6 4-tuple) with <paramref name="key"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The input is too long for the key.</exception>
    public static uint Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input)
    {
        if (input.Length > key.Length - 4)
        {
            throw new ArgumentException($"a {key.Length}-byte key hashes at most {key.Length - 4} input bytes.", nameof(input));
        }

        uint result = 0;
        // The 32-bit window of the key that lines up with the current input bit; shifted left one bit per
        // input bit, pulling in the next key bit at the bottom.
        uint window = BinaryPrimitives.ReadUInt32BigEndian(key);
        for (int i = 0; i < input.Length; i++)
        {
            byte next = key[i + 4];
            byte value = input[i];
            for (int bit = 7; bit >= 0; bit--)
            {
                if ((value & (1 << bit)) != 0)
                {
                    result ^= window;
                }

                window = (window << 1) | (uint)((next >> bit) & 1);
            }
        }

        return result;
    }
}
