using System.Buffers.Binary;
using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

public sealed class InternetChecksumTests
{
    // The plain RFC 1071 §4.1 loop, the reference everything else is compared with.
    private static ushort ReferenceFold(ReadOnlySpan<byte> data, ulong initial = 0)
    {
        ulong sum = initial;
        for (int i = 0; i < data.Length; i += 2)
        {
            sum += (uint)(data[i] << 8) | (i + 1 < data.Length ? data[i + 1] : 0u);
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)sum;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Rfc1071_example_sums_to_ddf2()
    {
        // RFC 1071 §3 numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        Assert.Equal(0xddf2, InternetChecksum.Fold(InternetChecksum.Accumulate(data)));
        Assert.Equal(0x220d, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Known_vectors()
    {
        Assert.Equal(0xFFFF, InternetChecksum.Compute([]));
        Assert.Equal(0xFFFF, InternetChecksum.Compute([0, 0, 0]));
        Assert.Equal(0xFEFF, InternetChecksum.Compute([0x01])); // odd byte padded on the right: 0x0100
        Assert.Equal(0x0000, InternetChecksum.Compute([0xFF, 0xFF]));
        // IPv4 header example (Wikipedia "Internet checksum"): checksum 0xb861.
        byte[] ip = Convert.FromHexString("450000730000400040110000c0a80001c0a800c7");
        Assert.Equal(0xb861, InternetChecksum.Compute(ip));
    }

    [Fact]
    public void Every_length_0_to_300_at_every_alignment_0_to_31_matches_reference()
    {
        byte[] buffer = RandomBytes(300 + 32, 1);
        for (int align = 0; align < 32; align++)
        {
            for (int length = 0; length <= 300; length++)
            {
                ReadOnlySpan<byte> data = buffer.AsSpan(align, length);
                Assert.Equal(ReferenceFold(data), InternetChecksum.Fold(InternetChecksum.Accumulate(data)));
            }
        }
    }

    [Fact]
    public void All_ones_buffers_keep_every_carry()
    {
        // The worst case for lost carries: every word 0xFFFF, over lengths that cross every loop boundary.
        byte[] ones = new byte[(1 << 20) + 7];
        ones.AsSpan().Fill(0xFF);
        foreach (int length in new[] { 1, 2, 31, 32, 33, 127, 128, 129, 1500, 65535, 65536, 1 << 20, (1 << 20) + 7 })
        {
            ReadOnlySpan<byte> data = ones.AsSpan(0, length);
            Assert.Equal(ReferenceFold(data), InternetChecksum.Fold(InternetChecksum.Accumulate(data)));
        }
    }

    [Fact]
    public void Large_random_buffers_match_reference()
    {
        byte[] buffer = RandomBytes(200_000, 2);
        foreach (int offset in new[] { 0, 1, 3, 17 })
        {
            foreach (int length in new[] { 1500, 9000, 65536, 65535, 199_000 })
            {
                ReadOnlySpan<byte> data = buffer.AsSpan(offset, length);
                Assert.Equal(ReferenceFold(data), InternetChecksum.Fold(InternetChecksum.Accumulate(data)));
            }
        }
    }

    [Fact]
    public void Partial_sums_over_even_pieces_combine()
    {
        Gen.Select(Gen.Byte.Array[0, 400], Gen.Int[0, 200], Gen.UInt).Sample((data, cut, initial) =>
        {
            int split = Math.Min(cut * 2, data.Length & ~1);
            ulong pieces = (ulong)InternetChecksum.Accumulate(data.AsSpan(0, split), initial) + InternetChecksum.Accumulate(data.AsSpan(split));
            Assert.Equal(ReferenceFold(data, initial), InternetChecksum.Fold(pieces));
            Assert.Equal(ReferenceFold(data, initial), InternetChecksum.Fold(InternetChecksum.Accumulate(data, initial)));
        }, iter: 5000);
    }

    [Fact]
    public void Copy_and_accumulate_copies_exactly_and_sums_as_accumulate_does()
    {
        Gen.Select(Gen.Byte.Array[0, 5000], Gen.Int[0, 40], Gen.UInt).Sample((data, slack, initial) =>
        {
            var destination = new byte[data.Length + slack];
            Random.Shared.NextBytes(destination);
            byte[] after = destination[data.Length..];
            uint sum = InternetChecksum.CopyAndAccumulate(data, destination, initial);
            Assert.Equal(data, destination[..data.Length]);
            Assert.Equal(after, destination[data.Length..]);
            Assert.Equal(ReferenceFold(data, initial), InternetChecksum.Fold(sum));
        }, iter: 2000);
    }

    [Fact]
    public void Copy_and_accumulate_refuses_a_short_destination()
    {
        Assert.Throws<ArgumentException>(() => InternetChecksum.CopyAndAccumulate(new byte[10], new byte[9]));
    }

    [Fact]
    public void Pieces_at_any_offset_combine_into_the_whole_sum()
    {
        Gen.Select(Gen.Byte.Array[0, 600], Gen.Int[0, 600], Gen.UInt).Sample((data, cut, initial) =>
        {
            int split = Math.Min(cut, data.Length);
            uint first = InternetChecksum.Accumulate(data.AsSpan(0, split), initial);
            uint whole = InternetChecksum.Combine(first, InternetChecksum.Accumulate(data.AsSpan(split)), split);
            Assert.Equal(ReferenceFold(data, initial), InternetChecksum.Fold(whole));
        }, iter: 5000);
    }

    [Fact]
    public void Fold_and_finish()
    {
        Assert.Equal(0, InternetChecksum.Fold(0));
        Assert.Equal(0xFFFF, InternetChecksum.Fold(0xFFFF));
        Assert.Equal(1, InternetChecksum.Fold(0x10000));
        Assert.Equal(0xFFFF, InternetChecksum.Fold(0xFFFF_FFFF_FFFF_FFFFul));
        Assert.Equal(0x0000, InternetChecksum.Finish(0xFFFF));
        Assert.Equal(0xFFFE, InternetChecksum.Finish(0x1_0000));
    }

    [Fact]
    public void Pseudo_headers_match_their_byte_layout()
    {
        Gen.Select(Gen.Byte.Array[16], Gen.Byte.Array[16], Gen.Byte, Gen.Int[0, 0x10_0000]).Sample((src, dst, proto, length) =>
        {
            // IPv4 (RFC 9293 §3.1): src(4) dst(4) zero(1) protocol(1) TCP length(2).
            byte[] v4 = new byte[12];
            src.AsSpan(0, 4).CopyTo(v4);
            dst.AsSpan(0, 4).CopyTo(v4.AsSpan(4));
            v4[9] = proto;
            BinaryPrimitives.WriteUInt16BigEndian(v4.AsSpan(10), (ushort)length);
            Assert.Equal(ReferenceFold(v4), InternetChecksum.Fold(InternetChecksum.PseudoHeaderIPv4(src.AsSpan(0, 4), dst.AsSpan(0, 4), proto, length & 0xFFFF)));
            // IPv6 (RFC 8200 §8.1): src(16) dst(16) upper-layer length(4) zero(3) next header(1).
            byte[] v6 = new byte[40];
            src.CopyTo(v6, 0);
            dst.CopyTo(v6, 16);
            BinaryPrimitives.WriteUInt32BigEndian(v6.AsSpan(32), (uint)length);
            v6[39] = proto;
            Assert.Equal(ReferenceFold(v6), InternetChecksum.Fold(InternetChecksum.PseudoHeaderIPv6(src, dst, proto, length)));
        }, iter: 3000);
    }

    [Fact]
    public void Incremental_update_equals_recompute()
    {
        // RFC 1624 eqn. 3. The one exception is the two zeros of one's complement: when the new data
        // sums to zero (all-zero words), recomputing gives 0xFFFF while the update gives 0x0000.
        Gen.Select(Gen.UShort.Array[1, 200], Gen.Int[0, 199], Gen.UShort).Sample((words, at, replacement) =>
        {
            int index = at % words.Length;
            byte[] data = new byte[words.Length * 2];
            for (int i = 0; i < words.Length; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2 * i), words[i]);
            }
            ushort before = InternetChecksum.Compute(data);
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2 * index), replacement);
            ushort recomputed = InternetChecksum.Compute(data);
            ushort updated = InternetChecksum.Update(before, words[index], replacement);
            bool allZero = data.AsSpan().IndexOfAnyExcept((byte)0) < 0;
            Assert.Equal(allZero ? (ushort)0 : recomputed, updated);
        }, iter: 5000);
    }

    [Fact]
    public void Incremental_update_of_a_tcp_port_keeps_the_segment_valid()
    {
        byte[] ip = Convert.FromHexString(TcpGoldenTests.LinuxSynAckIPv4);
        byte[] segment = ip.AsSpan(20).ToArray();
        uint pseudo = TcpChecksum.PseudoHeaderSumIPv4(ip.AsSpan(12, 4), ip.AsSpan(16, 4), segment.Length);
        var view = new TcpSegmentMutableView(segment);
        ushort oldPort = view.DestinationPort;
        view.DestinationPort = 12345;
        view.Checksum = InternetChecksum.Update(view.Checksum, oldPort, 12345);
        Assert.True(view.AsReadOnly().VerifyChecksum(pseudo));
    }
}
