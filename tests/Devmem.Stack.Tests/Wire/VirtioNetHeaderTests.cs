using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

public sealed class VirtioNetHeaderTests
{
    /// <summary>
    /// A real virtio_net_hdr from Linux: a TUN opened with IFF_VNET_HDR and TUNSETOFFLOAD(CSUM | TSO4 | TSO6)
    /// in a private network namespace; a Linux socket wrote 30000 bytes to a peer behind it and the first
    /// read() returned this header before a 7292-byte IPv4 TSO frame (MSS 1448 = 1460 - 12 bytes of timestamps):
    /// flags NEEDS_CSUM, gso_type TCPV4, hdr_len 52, gso_size 1448, csum_start 20, csum_offset 16.
    /// Followed by the frame's first 52 bytes (IPv4 + TCP headers).
    /// </summary>
    private const string LinuxTsoFrameStart =
        "01013400a80514001000" +
        "45001c7cb7524000400653270a0000010a000002" +
        "d7a6138b3372aead200000018018003f307100000101080a604b6c5d00001388";

    [Fact]
    public void Golden_gso_tcpv4_header_with_needs_csum()
    {
        byte[] frame = Convert.FromHexString(LinuxTsoFrameStart);
        Assert.True(VirtioNetHeader.TryParse(frame, out VirtioNetHeader h, out WireParseError error));
        Assert.Equal(WireParseError.None, error);
        Assert.Equal(VirtioNetFlags.NeedsChecksum, h.Flags);
        Assert.Equal(VirtioNetGsoType.TcpV4, h.GsoType);
        Assert.True(h.IsGso);
        Assert.Equal(52, h.HeaderLength);
        Assert.Equal(1448, h.GsoSize);
        Assert.Equal(20, h.ChecksumStart);
        Assert.Equal(16, h.ChecksumOffset);
        Assert.Equal(0, h.NumBuffers);
        Assert.Equal(VirtioNetHeader.ForTcp(ipv6: false, transportOffset: 20, headersLength: 52, gsoSize: 1448), h);

        byte[] again = new byte[10];
        Assert.Equal(10, h.Emit(again));
        Assert.Equal(frame.AsSpan(0, 10).ToArray(), again);

        // With NEEDS_CSUM the TCP checksum field holds the folded pseudo-header sum over the whole GSO length.
        ReadOnlySpan<byte> ip = frame.AsSpan(10);
        int tcpLength = 0x1c7c - 20;
        uint pseudo = TcpChecksum.PseudoHeaderSumIPv4(ip.Slice(12, 4), ip.Slice(16, 4), tcpLength);
        var tcp = new TcpSegmentView(ip.Slice(h.ChecksumStart));
        Assert.Equal(InternetChecksum.Fold(pseudo), tcp.Checksum);
        Assert.True(TcpHeader.TryParse(ip.Slice(h.ChecksumStart), out TcpHeader th, out int thl, out _));
        Assert.Equal(h.HeaderLength, h.ChecksumStart + thl);
        Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, th.Flags);
    }

    [Fact]
    public void Views_read_and_write_little_endian()
    {
        byte[] bytes = new byte[12];
        var view = new VirtioNetHeaderMutableView(bytes)
        {
            Flags = VirtioNetFlags.DataValid,
            GsoType = VirtioNetGsoType.TcpV6 | VirtioNetGsoType.Ecn,
            HeaderLength = 0x0102,
            GsoSize = 0x0304,
            ChecksumStart = 0x0506,
            ChecksumOffset = 0x0708,
            NumBuffers = 0x090a,
        };
        Assert.Equal("028402010403060508070A09", Convert.ToHexString(bytes));
        VirtioNetHeaderView ro = view;
        Assert.Equal(0x090a, ro.NumBuffers);
        Assert.Equal(VirtioNetGsoType.TcpV6 | VirtioNetGsoType.Ecn, ro.GsoType);
        Assert.True(VirtioNetHeader.TryParse(bytes, VirtioNetHeader.SizeWithNumBuffers, out VirtioNetHeader h, out _));
        Assert.Equal(VirtioNetGsoType.TcpV6, h.GsoKind);
        Assert.Equal(0x090a, h.NumBuffers);
        Assert.True(VirtioNetHeader.TryParse(bytes, out h, out _));
        Assert.Equal(0, h.NumBuffers);
    }

    [Fact]
    public void Round_trip_in_both_sizes()
    {
        Gen<VirtioNetHeader> gen = Gen.Select(
            Gen.Byte[0, 7], Gen.OneOfConst<byte>(0, 1, 3, 4, 5), Gen.Bool, Gen.UShort, Gen.UShort[1, ushort.MaxValue], Gen.UShort, Gen.UShort, Gen.UShort,
            (flags, gso, ecn, hdrLen, gsoSize, start, offset, buffers) => new VirtioNetHeader
            {
                Flags = (VirtioNetFlags)flags,
                GsoType = (VirtioNetGsoType)(gso | (ecn ? 0x80 : 0)),
                HeaderLength = hdrLen,
                GsoSize = gsoSize,
                ChecksumStart = start,
                ChecksumOffset = offset,
                NumBuffers = buffers,
            });
        gen.Sample(header =>
        {
            Span<byte> bytes = stackalloc byte[12];
            Assert.Equal(12, header.Emit(bytes, VirtioNetHeader.SizeWithNumBuffers));
            Assert.True(VirtioNetHeader.TryParse(bytes, VirtioNetHeader.SizeWithNumBuffers, out VirtioNetHeader parsed, out _));
            Assert.Equal(header, parsed);
            bytes.Clear();
            Assert.Equal(10, header.Emit(bytes));
            Assert.Equal(0, bytes[10] | bytes[11]);
            Assert.True(VirtioNetHeader.TryParse(bytes.Slice(0, 10), out parsed, out _));
            Assert.Equal(header with { NumBuffers = 0 }, parsed);
        }, iter: 5000);
    }

    [Fact]
    public void Bad_input()
    {
        byte[] golden = Convert.FromHexString(LinuxTsoFrameStart);
        for (int length = 0; length < 10; length++)
        {
            Assert.False(VirtioNetHeader.TryParse(golden.AsSpan(0, length), out _, out WireParseError error));
            Assert.Equal(WireParseError.Truncated, error);
        }
        Assert.False(VirtioNetHeader.TryParse(golden.AsSpan(0, 11), VirtioNetHeader.SizeWithNumBuffers, out _, out WireParseError e12));
        Assert.Equal(WireParseError.Truncated, e12);

        foreach (byte gso in new byte[] { 2, 6, 0x7f, 0x82, 0xff })
        {
            byte[] bad = (byte[])golden.Clone();
            bad[1] = gso;
            Assert.False(VirtioNetHeader.TryParse(bad, out _, out WireParseError error));
            Assert.Equal(WireParseError.Malformed, error);
        }
        byte[] zeroSize = (byte[])golden.Clone();
        zeroSize[4] = zeroSize[5] = 0;
        Assert.False(VirtioNetHeader.TryParse(zeroSize, out _, out WireParseError ez));
        Assert.Equal(WireParseError.Malformed, ez);

        Assert.Throws<ArgumentOutOfRangeException>(() => VirtioNetHeader.TryParse(golden, 11, out _, out _));
        Assert.False(new VirtioNetHeader().TryEmit(new byte[9], VirtioNetHeader.Size, out _));
    }
}
