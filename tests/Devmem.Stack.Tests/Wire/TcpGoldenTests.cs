using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

/// <summary>
/// Segments sent by a real Linux TCP stack (kernel 6.x, default sysctls), captured for these tests.
/// </summary>
/// <remarks>
/// How they were made: in a private network namespace (<c>unshare -n</c>), a TUN device (<c>IFF_TUN |
/// IFF_NO_PI</c>, no offloads, so the kernel fills in full checksums) carried 10.0.0.1 (Linux) to 10.0.0.2
/// (a small Python peer writing raw IPv4). <c>tcpdump -i tun0 -w tun.pcap tcp</c> recorded the traffic and the
/// IPv4 packets sent by Linux were hex-dumped here. Flow A: Linux listened on :5001; the peer sent a SYN, got
/// the SYN-ACK, then sent data at +1000, +2000 and +3000 leaving holes, so Linux answered with 1, 2 and 3 SACK
/// blocks. Flow B: a Linux socket connected to the peer's :5002, giving the SYN and a data segment
/// ("hello devmem tcp") with timestamps. The loopback SYN was captured with <c>tcpdump -i lo</c> in the same
/// kind of namespace: over lo the checksum is offloaded (CHECKSUM_PARTIAL), so it holds the folded pseudo-header sum.
/// </remarks>
public sealed class TcpGoldenTests
{
    /// <summary>Linux SYN: 10.0.0.1:46330 -> 10.0.0.2:5002, mss 1460, sackOK, TS val 3640528069 ecr 0, wscale 10.</summary>
    public const string LinuxSynIPv4 =
        "4500003ca93c400040067d7d0a0000010a000002" +
        "b4fa138a994fc1f500000000a002faf02f7c0000020405b40402080ad8fe0cc5000000000103030a";

    /// <summary>Linux SYN-ACK: 10.0.0.1:5001 -> 10.0.0.2:40000, mss 1460, sackOK, TS val 0x87fa1328 ecr 1000, wscale 10.</summary>
    public const string LinuxSynAckIPv4 =
        "4500003c00004000400626ba0a0000010a000002" +
        "13899c4039bf144010000001a012fe88888d0000020405b40402080a87fa1328000003e80103030a";

    /// <summary>Linux data segment [P.], 16 bytes "hello devmem tcp", nop nop TS val 3640528069 ecr 5000.</summary>
    public const string LinuxDataIPv4 =
        "45000044a93e400040067d730a0000010a000002" +
        "b4fa138a994fc1f6200000018018003f1d3500000101080ad8fe0cc50000138868656c6c6f206465766d656d20746370";

    /// <summary>Linux duplicate ACK with one SACK block {1001:1501} (relative).</summary>
    public const string LinuxSack1IPv4 =
        "45000040cac3400040065bf20a0000010a000002" +
        "13899c4039bf144110000001b010004055c700000101080a87fa1328000003e90101050a100003e9100005dd";

    /// <summary>Linux duplicate ACK with two SACK blocks, most recent first.</summary>
    public const string LinuxSack2IPv4 =
        "45000048cac4400040065be90a0000010a000002" +
        "13899c4039bf144110000001d0100040042100000101080a87fa1328000003e901010512100007d1100009c5100003e9100005dd";

    /// <summary>Linux duplicate ACK with three SACK blocks (the most that fit next to timestamps).</summary>
    public const string LinuxSack3IPv4 =
        "45000050cac5400040065be00a0000010a000002" +
        "13899c4039bf144110000001f0100040aaaa00000101080a87fa1328000003e90101051a10000bb910000dad100007d1100009c5100003e9100005dd";

    /// <summary>Loopback SYN (Ethernet frame, DLT_EN10MB), 127.0.0.1:43884 -> 127.0.0.1:40123, checksum offloaded: field = 0xfe30.</summary>
    public const string LinuxLoopbackSynEthernet =
        "0000000000000000000000000800" +
        "4500003cac244000400690957f0000017f000001" +
        "ab6c9cbb971b316800000000a002ffd7fe3000000204ffd70402080a33069c3c000000000103030a";

    internal static (byte[] Segment, uint Pseudo) Split(string ipv4Hex)
    {
        byte[] ip = Convert.FromHexString(ipv4Hex);
        int ihl = (ip[0] & 0xF) * 4;
        byte[] segment = ip.AsSpan(ihl).ToArray();
        return (segment, TcpChecksum.PseudoHeaderSumIPv4(ip.AsSpan(12, 4), ip.AsSpan(16, 4), segment.Length));
    }

    private static TcpHeader ParseOk(byte[] segment, out int headerLength)
    {
        Assert.True(TcpHeader.TryParse(segment, out TcpHeader header, out headerLength, out WireParseError error));
        Assert.Equal(WireParseError.None, error);
        return header;
    }

    private static void AssertReemitIdentical(byte[] segment, uint pseudo)
    {
        TcpHeader header = ParseOk(segment, out int headerLength);
        byte[] again = new byte[segment.Length];
        Assert.Equal(headerLength, header.Emit(again));
        segment.AsSpan(headerLength).CopyTo(again.AsSpan(headerLength));
        TcpChecksum.Fill(again, pseudo);
        Assert.Equal(Convert.ToHexString(segment), Convert.ToHexString(again));
    }

    [Fact]
    public void Syn()
    {
        (byte[] segment, uint pseudo) = Split(LinuxSynIPv4);
        TcpHeader h = ParseOk(segment, out int headerLength);
        Assert.Equal(40, headerLength);
        Assert.Equal(46330, h.SourcePort);
        Assert.Equal(5002, h.DestinationPort);
        Assert.Equal(2572141045u, h.SequenceNumber);
        Assert.Equal(0u, h.AcknowledgmentNumber);
        Assert.Equal(TcpFlags.Syn, h.Flags);
        Assert.Equal(64240, h.Window);
        Assert.Equal((ushort)1460, h.Options.Mss);
        Assert.True(h.Options.SackPermitted);
        Assert.Equal(new TcpTimestamp(3640528069, 0), h.Options.Timestamp);
        Assert.Equal((byte)10, h.Options.WindowScale);
        Assert.Equal(0, h.Options.SackBlockCount);
        var view = new TcpSegmentView(segment);
        Assert.Equal(0x2f7c, view.Checksum);
        Assert.True(view.VerifyChecksum(pseudo));
        Assert.Equal(0x2f7c, view.ComputeChecksum(pseudo));
        AssertReemitIdentical(segment, pseudo);
    }

    [Fact]
    public void Syn_ack()
    {
        (byte[] segment, uint pseudo) = Split(LinuxSynAckIPv4);
        TcpHeader h = ParseOk(segment, out _);
        Assert.Equal(5001, h.SourcePort);
        Assert.Equal(40000, h.DestinationPort);
        Assert.Equal(0x39bf1440u, h.SequenceNumber);
        Assert.Equal(0x10000001u, h.AcknowledgmentNumber);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, h.Flags);
        Assert.Equal(65160, h.Window);
        Assert.Equal((ushort)1460, h.Options.Mss);
        Assert.Equal(new TcpTimestamp(0x87fa1328, 1000), h.Options.Timestamp);
        Assert.Equal(14, new TcpOptions { WindowScale = 200 }.EffectiveWindowScale);
        Assert.Equal(10, h.Options.EffectiveWindowScale);
        Assert.True(TcpChecksum.Verify(segment, pseudo));
        AssertReemitIdentical(segment, pseudo);
    }

    [Fact]
    public void Data_segment_with_timestamps()
    {
        (byte[] segment, uint pseudo) = Split(LinuxDataIPv4);
        TcpHeader h = ParseOk(segment, out int headerLength);
        Assert.Equal(32, headerLength);
        Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, h.Flags);
        Assert.Equal(0x994fc1f6u, h.SequenceNumber);
        Assert.Equal(0x20000001u, h.AcknowledgmentNumber);
        Assert.Equal(63, h.Window);
        Assert.Null(h.Options.Mss);
        Assert.Null(h.Options.WindowScale);
        Assert.False(h.Options.SackPermitted);
        Assert.Equal(new TcpTimestamp(3640528069, 5000), h.Options.Timestamp);
        var view = new TcpSegmentView(segment);
        Assert.Equal("hello devmem tcp", System.Text.Encoding.ASCII.GetString(view.Payload));
        Assert.True(view.VerifyChecksum(pseudo));
        AssertReemitIdentical(segment, pseudo);

        // A corrupted payload byte fails verification.
        segment[^1] ^= 0x01;
        Assert.False(view.VerifyChecksum(pseudo));
    }

    [Theory]
    [InlineData(LinuxSack1IPv4, 1)]
    [InlineData(LinuxSack2IPv4, 2)]
    [InlineData(LinuxSack3IPv4, 3)]
    public void Sack_blocks(string ipv4Hex, int blocks)
    {
        (byte[] segment, uint pseudo) = Split(ipv4Hex);
        TcpHeader h = ParseOk(segment, out int headerLength);
        Assert.Equal(32 + 4 + (8 * blocks), headerLength);
        Assert.Equal(TcpFlags.Ack, h.Flags);
        Assert.Equal(new TcpTimestamp(0x87fa1328, 0x3e9), h.Options.Timestamp);
        Assert.Equal(blocks, h.Options.SackBlockCount);
        // Linux reports the most recently received block first (RFC 2018 §4).
        TcpSackBlock[] expected =
        [
            new(0x10000bb9, 0x10000dad),
            new(0x100007d1, 0x100009c5),
            new(0x100003e9, 0x100005dd),
        ];
        Assert.Equal(expected.AsSpan(3 - blocks).ToArray(), h.Options.SackBlocks.ToArray());
        for (int i = 0; i < blocks; i++)
        {
            Assert.Equal(expected[3 - blocks + i], h.Options.GetSackBlock(i));
        }
        Assert.True(TcpChecksum.Verify(segment, pseudo));
        AssertReemitIdentical(segment, pseudo);
    }

    [Fact]
    public void Loopback_syn_carries_the_partial_checksum()
    {
        byte[] frame = Convert.FromHexString(LinuxLoopbackSynEthernet);
        ReadOnlySpan<byte> ip = frame.AsSpan(14);
        byte[] segment = ip.Slice(20).ToArray();
        uint pseudo = TcpChecksum.PseudoHeaderSumIPv4(ip.Slice(12, 4), ip.Slice(16, 4), segment.Length);
        TcpHeader h = ParseOk(segment, out _);
        Assert.Equal((ushort)65495, h.Options.Mss);
        Assert.Equal(0xfe30, new TcpSegmentView(segment).Checksum);

        byte[] partial = (byte[])segment.Clone();
        TcpChecksum.FillPartial(partial, pseudo);
        Assert.Equal(segment, partial);

        // Completing the offload: sum from csum_start and store the complement (what a NIC does).
        new TcpSegmentMutableView(partial).Checksum = InternetChecksum.Finish(InternetChecksum.Accumulate(partial));
        Assert.True(TcpChecksum.Verify(partial, pseudo));
        Assert.Equal(0x7010, new TcpSegmentView(partial).Checksum); // tcpdump: "incorrect -> 0x7010"
    }

    [Fact]
    public void Linux_syn_option_layout_is_what_the_emitter_writes()
    {
        var options = new TcpOptions { Mss = 1460, SackPermitted = true, Timestamp = new TcpTimestamp(0x01020304, 0), WindowScale = 7 };
        Span<byte> bytes = stackalloc byte[40];
        int n = options.Emit(bytes);
        Assert.Equal("020405B40402080A01020304000000000103030" + "7", Convert.ToHexString(bytes.Slice(0, n)));

        var data = new TcpOptions { Timestamp = new TcpTimestamp(5, 6) };
        n = data.Emit(bytes);
        Assert.Equal("0101080A0000000500000006", Convert.ToHexString(bytes.Slice(0, n)));

        var sackOnly = new TcpOptions { Mss = 536, SackPermitted = true, WindowScale = 0 };
        n = sackOnly.Emit(bytes);
        Assert.Equal("0204021801010402" + "01030300", Convert.ToHexString(bytes.Slice(0, n)));

        var sack = new TcpOptions().WithSackBlocks([new TcpSackBlock(1, 2)]);
        n = sack.Emit(bytes);
        Assert.Equal("0101050A0000000100000002", Convert.ToHexString(bytes.Slice(0, n)));
    }

    [Fact]
    public void Emitter_keeps_options_within_40_bytes_like_linux()
    {
        TcpSackBlock[] four = [new(1, 2), new(3, 4), new(5, 6), new(7, 8)];
        Assert.Equal(36, new TcpOptions().WithSackBlocks(four).EncodedLength);
        var withTs = new TcpOptions { Timestamp = new TcpTimestamp(1, 2) }.WithSackBlocks(four);
        Assert.Equal(3, withTs.EmittedSackBlockCount);
        Assert.Equal(40, withTs.EncodedLength);
        var syn = new TcpOptions { Mss = 1, SackPermitted = true, Timestamp = new TcpTimestamp(1, 2), WindowScale = 1 }.WithSackBlocks(four);
        Assert.Equal(2, syn.EmittedSackBlockCount);
        Assert.Equal(40, syn.EncodedLength);
        Span<byte> bytes = stackalloc byte[60];
        var header = new TcpHeader { Options = syn };
        Assert.Equal(60, header.Emit(bytes));
        Assert.True(TcpHeader.TryParse(bytes, out TcpHeader parsed, out _));
        Assert.Equal(2, parsed.Options.SackBlockCount);
        Assert.False(header.TryEmit(bytes.Slice(0, 59), out _));
        Assert.Throws<ArgumentException>(() => header.Emit(new byte[59]));
    }
}
