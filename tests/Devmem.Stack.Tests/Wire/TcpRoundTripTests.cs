using System.Buffers.Binary;
using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

/// <summary>Generators for TCP headers and option sets, shared by the property tests.</summary>
internal static class TcpGen
{
    public static readonly Gen<TcpSackBlock> SackBlock = Gen.Select(Gen.UInt, Gen.UInt, (l, r) => new TcpSackBlock(l, r));

    /// <summary>Any option set; SACK blocks limited to what fits next to the other options (as Linux sends).</summary>
    public static Gen<TcpOptions> Options(bool withSack = true) =>
        Gen.Select(
            Gen.UShort.Nullable(0.5),
            Gen.Byte.Nullable(0.5),
            Gen.Bool,
            Gen.Select(Gen.UInt, Gen.UInt, (v, e) => new TcpTimestamp(v, e)).Nullable(0.4),
            withSack ? SackBlock.Array[0, TcpOptions.MaxSackBlocks] : Gen.Const(Array.Empty<TcpSackBlock>()),
            (mss, ws, sackOk, ts, blocks) =>
            {
                var options = new TcpOptions { Mss = mss, WindowScale = ws, SackPermitted = sackOk, Timestamp = ts };
                options = options.WithSackBlocks(blocks);
                return options.WithSackBlocks(blocks.AsSpan(0, options.EmittedSackBlockCount));
            });

    public static Gen<TcpHeader> Header(bool withSack = true) =>
        Gen.Select(
            Gen.UShort, Gen.UShort, Gen.UInt, Gen.UInt,
            Gen.UShort[0, 0x1FF], Gen.UShort, Gen.UShort, Options(withSack),
            (sp, dp, seq, ack, flags, window, urgent, options) => new TcpHeader
            {
                SourcePort = sp,
                DestinationPort = dp,
                SequenceNumber = seq,
                AcknowledgmentNumber = ack,
                Flags = (TcpFlags)flags,
                Window = window,
                UrgentPointer = urgent,
                Options = options,
            });
}

public sealed class TcpRoundTripTests
{
    [Fact]
    public void Header_parse_of_emit_is_identity()
    {
        Gen.Select(TcpGen.Header(), Gen.Byte.Array[0, 64]).Sample((header, payload) =>
        {
            byte[] segment = new byte[header.HeaderLength + payload.Length];
            Assert.Equal(header.HeaderLength, header.Emit(segment));
            payload.CopyTo(segment, header.HeaderLength);
            Assert.Equal(0, header.HeaderLength % 4);
            Assert.InRange(header.HeaderLength, 20, 60);

            Assert.True(TcpHeader.TryParse(segment, out TcpHeader parsed, out int headerLength, out WireParseError error));
            Assert.Equal(WireParseError.None, error);
            Assert.Equal(header, parsed);
            Assert.Equal(header.HeaderLength, headerLength);
            Assert.Equal(payload, new TcpSegmentView(segment).Payload.ToArray());

            byte[] again = new byte[segment.Length];
            parsed.Emit(again);
            payload.CopyTo(again, headerLength);
            Assert.Equal(segment, again);
        }, iter: 10000);
    }

    [Fact]
    public void Options_parse_of_emit_is_identity()
    {
        TcpGen.Options().Sample(options =>
        {
            Span<byte> bytes = stackalloc byte[TcpOptions.MaxLength];
            int n = options.Emit(bytes);
            Assert.Equal(options.EncodedLength, n);
            Assert.Equal(0, n % 4);
            Assert.True(TcpOptions.TryParse(bytes.Slice(0, n), out TcpOptions parsed, out WireParseError error));
            Assert.Equal(WireParseError.None, error);
            Assert.Equal(options, parsed);
            Assert.Equal(options.GetHashCode(), parsed.GetHashCode());
            Assert.Equal(options.ToString(), parsed.ToString());
        }, iter: 10000);
    }

    [Fact]
    public void Sack_blocks_round_trip_in_every_count()
    {
        Gen.Select(TcpGen.SackBlock.Array[1, 4], Gen.Bool).Sample((blocks, timestamps) =>
        {
            var options = new TcpOptions { Timestamp = timestamps ? new TcpTimestamp(7, 9) : null }.WithSackBlocks(blocks);
            int expected = timestamps ? Math.Min(blocks.Length, 3) : blocks.Length;
            Assert.Equal(expected, options.EmittedSackBlockCount);
            Span<byte> bytes = stackalloc byte[40];
            int n = options.Emit(bytes);
            Assert.True(TcpOptions.TryParse(bytes.Slice(0, n), out TcpOptions parsed, out _));
            Assert.Equal(blocks.AsSpan(0, expected).ToArray(), parsed.SackBlocks.ToArray());
            // On the wire: NOP NOP 05 (2 + 8n), then big-endian edges.
            int at = timestamps ? 12 : 0;
            Assert.Equal(0x0101_0500u | (uint)(2 + (8 * expected)), BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(at)));
            Assert.Equal(blocks[0].Left, BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(at + 4)));
            Assert.Equal(blocks[0].Right, BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(at + 8)));
        }, iter: 2000);
    }

    [Fact]
    public void Mutable_view_writes_what_the_view_and_parser_read()
    {
        TcpGen.Header().Sample(header =>
        {
            byte[] segment = new byte[header.HeaderLength + 3];
            header.Options.Emit(segment.AsSpan(20));
            var view = new TcpSegmentMutableView(segment)
            {
                SourcePort = header.SourcePort,
                DestinationPort = header.DestinationPort,
                SequenceNumber = header.SequenceNumber,
                AcknowledgmentNumber = header.AcknowledgmentNumber,
                HeaderLength = header.HeaderLength,
                Flags = header.Flags,
                Window = header.Window,
                UrgentPointer = header.UrgentPointer,
            };
            Assert.True(TcpHeader.TryParse(segment, out TcpHeader parsed, out _));
            Assert.Equal(header, parsed);
            byte[] emitted = new byte[segment.Length];
            header.Emit(emitted);
            Assert.Equal(emitted, segment);

            TcpSegmentView ro = view;
            Assert.Equal(header.HeaderLength / 4, ro.DataOffset);
            Assert.Equal(header.Flags, ro.Flags);
            Assert.Equal(0, ro.Reserved);
            Assert.Equal(3, ro.Payload.Length);
            Assert.Equal(header.HeaderLength - 20, ro.Options.Length);
        }, iter: 3000);
    }

    [Fact]
    public void Checksum_fill_then_verify_over_both_pseudo_headers()
    {
        Gen.Select(TcpGen.Header(), Gen.Byte.Array[0, 1600], Gen.Byte.Array[16], Gen.Byte.Array[16]).Sample((header, payload, src, dst) =>
        {
            byte[] segment = new byte[header.HeaderLength + payload.Length];
            header.Emit(segment);
            payload.CopyTo(segment, header.HeaderLength);
            foreach (uint pseudo in new[]
            {
                TcpChecksum.PseudoHeaderSumIPv4(src.AsSpan(0, 4), dst.AsSpan(0, 4), segment.Length),
                TcpChecksum.PseudoHeaderSumIPv6(src, dst, segment.Length),
            })
            {
                var view = new TcpSegmentMutableView(segment);
                view.FillChecksum(pseudo);
                Assert.True(view.AsReadOnly().VerifyChecksum(pseudo));
                Assert.Equal(view.Checksum, view.AsReadOnly().ComputeChecksum(pseudo));
                view.Window ^= 0x0100;
                Assert.False(view.AsReadOnly().VerifyChecksum(pseudo));
                view.Window ^= 0x0100;
            }
        }, iter: 2000);
    }
}
