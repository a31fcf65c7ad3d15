using Devmem.Stack.Wire;
using CsCheck;

namespace Devmem.Stack.Tests.Wire;

public sealed class TcpMalformedTests
{
    // A header with the given option bytes, padded with EOL to a multiple of 4.
    private static byte[] WithOptions(string optionsHex, string payloadHex = "")
    {
        byte[] options = Convert.FromHexString(optionsHex);
        int padded = (options.Length + 3) & ~3;
        byte[] payload = Convert.FromHexString(payloadHex);
        byte[] segment = new byte[20 + padded + payload.Length];
        new TcpHeader { SourcePort = 1, DestinationPort = 2, Flags = TcpFlags.Ack }.Emit(segment);
        segment[12] = (byte)(((20 + padded) / 4) << 4);
        options.CopyTo(segment, 20);
        payload.CopyTo(segment, 20 + padded);
        return segment;
    }

    [Fact]
    public void Every_truncation_of_golden_segments_is_truncated()
    {
        foreach (string hex in new[] { TcpGoldenTests.LinuxSynIPv4, TcpGoldenTests.LinuxSack3IPv4, TcpGoldenTests.LinuxDataIPv4 })
        {
            (byte[] segment, _) = TcpGoldenTests.Split(hex);
            int headerLength = (segment[12] >> 4) * 4;
            for (int length = 0; length < headerLength; length++)
            {
                ReadOnlySpan<byte> cut = segment.AsSpan(0, length);
                Assert.False(TcpHeader.TryParse(cut, out TcpHeader header, out WireParseError error));
                Assert.Equal(WireParseError.Truncated, error);
                Assert.Equal(default, header);
                Assert.False(TcpSegmentView.TryCreate(cut, out _, out error));
                Assert.Equal(WireParseError.Truncated, error);
            }
            // A cut in the payload still parses: the header is whole.
            for (int length = headerLength; length <= segment.Length; length++)
            {
                Assert.True(TcpHeader.TryParse(segment.AsSpan(0, length), out _, out WireParseError error));
                Assert.Equal(WireParseError.None, error);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Data_offset_below_5_is_bad_header_length(int dataOffset)
    {
        byte[] segment = WithOptions("");
        segment[12] = (byte)(dataOffset << 4);
        Assert.False(TcpHeader.TryParse(segment, out _, out WireParseError error));
        Assert.Equal(WireParseError.BadHeaderLength, error);
        Assert.Equal(WireParseError.BadHeaderLength, TcpSegmentView.Check(segment));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(15)]
    public void Data_offset_past_the_end_is_truncated(int dataOffset)
    {
        byte[] segment = WithOptions("");
        segment[12] = (byte)(dataOffset << 4);
        Assert.False(TcpHeader.TryParse(segment, out _, out WireParseError error));
        Assert.Equal(WireParseError.Truncated, error);
    }

    [Theory]
    // Length byte 0 and 1: must fail, not loop.
    [InlineData("0200", WireParseError.BadOptionLength)]
    [InlineData("0201", WireParseError.BadOptionLength)]
    [InlineData("fe00", WireParseError.BadOptionLength)]
    [InlineData("2201", WireParseError.BadOptionLength)]
    [InlineData("01010100", WireParseError.None)] // NOPs then EOL
    // Kind without a length byte at the end of the area.
    [InlineData("01010102", WireParseError.BadOptionLength)]
    [InlineData("01010108", WireParseError.BadOptionLength)]
    // Running past the header.
    [InlineData("080a0000", WireParseError.BadOptionLength)]
    [InlineData("0105", WireParseError.BadOptionLength)] // NOP, then SACK whose length byte is the EOL padding (0)
    [InlineData("fe0a000000", WireParseError.BadOptionLength)]
    // Known options with the wrong length.
    [InlineData("020305", WireParseError.BadOptionLength)]
    [InlineData("020505b400", WireParseError.BadOptionLength)]
    [InlineData("030207", WireParseError.BadOptionLength)]
    [InlineData("03040700", WireParseError.BadOptionLength)]
    [InlineData("040300", WireParseError.BadOptionLength)]
    [InlineData("080800000001000000", WireParseError.BadOptionLength)]
    [InlineData("080c000000010000000200000000", WireParseError.BadOptionLength)]
    [InlineData("0502", WireParseError.BadOptionLength)] // SACK with no block
    [InlineData("050d00000001000000020000000000", WireParseError.BadOptionLength)] // 2 + 8 + 3
    [InlineData("050900000001000000020000", WireParseError.BadOptionLength)] // 2 + 7
    [InlineData("051200000001000000020000000300000004", WireParseError.None)] // 2 + 16: two blocks
    // Unknown options are skipped by their length; EOL ends the list, whatever follows.
    [InlineData("1e0400000204ffff", WireParseError.None)]
    [InlineData("fe02", WireParseError.None)]
    [InlineData("00020100ffffffff", WireParseError.None)]
    [InlineData("0000000002", WireParseError.None)]
    public void Option_lists(string optionsHex, WireParseError expected)
    {
        byte[] segment = WithOptions(optionsHex, "abcdef");
        bool ok = TcpHeader.TryParse(segment, out TcpHeader header, out WireParseError error);
        Assert.Equal(expected, error);
        Assert.Equal(expected == WireParseError.None, ok);
        if (!ok)
        {
            Assert.Equal(default, header);
        }
    }

    [Fact]
    public void Sack_length_of_42_cannot_fit()
    {
        // 2 + 8 * 5 = 42 > 40 option bytes: always runs past the header.
        byte[] options = new byte[40];
        options[0] = 5;
        options[1] = 42;
        Assert.False(TcpOptions.TryParse(options, out _, out WireParseError error));
        Assert.Equal(WireParseError.BadOptionLength, error);
    }

    [Fact]
    public void Options_after_eol_are_ignored_and_unknown_options_keep_known_ones()
    {
        Assert.True(TcpHeader.TryParse(WithOptions("1e04abcd020405b4"), out TcpHeader h, out _));
        Assert.Equal((ushort)1460, h.Options.Mss);
        Assert.True(TcpHeader.TryParse(WithOptions("00000000020405b4"), out h, out _));
        Assert.Null(h.Options.Mss);
        // A repeated option overrides the earlier one (Linux tcp_parse_options).
        Assert.True(TcpHeader.TryParse(WithOptions("020405b40204ffff"), out h, out _));
        Assert.Equal((ushort)0xffff, h.Options.Mss);
    }

    [Fact]
    public void Option_reader_reports_kinds_and_offsets()
    {
        var reader = new TcpOptionReader(Convert.FromHexString("020405b4010103030a1e03ff00ffff"));
        Assert.True(reader.MoveNext());
        Assert.Equal(TcpOptionKind.MaximumSegmentSize, reader.Kind);
        Assert.Equal(0, reader.Offset);
        Assert.Equal([0x05, 0xb4], reader.Data.ToArray());
        Assert.True(reader.MoveNext());
        Assert.Equal(TcpOptionKind.WindowScale, reader.Kind);
        Assert.Equal(6, reader.Offset);
        Assert.True(reader.MoveNext());
        Assert.Equal((TcpOptionKind)30, reader.Kind);
        Assert.Equal([0xff], reader.Data.ToArray());
        Assert.False(reader.MoveNext());
        Assert.Equal(WireParseError.None, reader.Error);
        Assert.False(reader.MoveNext());
    }

    [Fact]
    public void Random_bytes_never_throw_and_successes_are_consistent()
    {
        Gen.Byte.Array[0, 80].Sample(bytes =>
        {
            bool ok = TcpHeader.TryParse(bytes, out TcpHeader header, out int headerLength, out WireParseError error);
            Assert.Equal(ok, error == WireParseError.None);
            if (ok)
            {
                Assert.InRange(headerLength, 20, bytes.Length);
                byte[] again = new byte[header.HeaderLength];
                header.Emit(again);
                Assert.True(TcpHeader.TryParse(again, out TcpHeader reparsed, out _));
                if (header.Options.EmittedSackBlockCount == header.Options.SackBlockCount)
                {
                    Assert.Equal(header, reparsed);
                }
            }
        }, iter: 20000);
    }

    [Fact]
    public void Random_option_areas_never_throw()
    {
        // Options made of plausible kinds and lengths, to reach deep into the option parser.
        Gen<byte[]> option = Gen.OneOf(
            Gen.Byte.Array[0, 12],
            Gen.Select(Gen.OneOfConst<byte>(0, 1, 2, 3, 4, 5, 8, 30), Gen.Byte[0, 12], Gen.Byte.Array[0, 10], (k, l, d) => (byte[])[k, l, .. d]));
        option.Array[0, 6].Select(parts => parts.SelectMany(p => p).Take(40).ToArray()).Sample(options =>
        {
            bool ok = TcpOptions.TryParse(options, out TcpOptions parsed, out WireParseError error);
            Assert.Equal(ok, error == WireParseError.None);
            Assert.True(ok || error == WireParseError.BadOptionLength);
            Assert.True(ok || parsed.IsEmpty);
        }, iter: 20000);
    }
}
