using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

public class Ipv4Tests
{
    internal static readonly Gen<Ipv4Repr> Repr = Gen.Select(
        Gen.Select(WireGen.Ip4, WireGen.Ip4, Gen.Byte, Gen.Int[0, 65535 - 60], Gen.Byte, Gen.Byte[0, 63], Gen.Byte[0, 3], Gen.UShort),
        Gen.Select(Gen.Bool, Gen.Bool, Gen.Int[0, 8191], Gen.Int[0, 10]),
        (a, b) => new Ipv4Repr
        {
            Source = a.Item1,
            Destination = a.Item2,
            Protocol = (IpProtocol)a.Item3,
            PayloadLength = a.Item4,
            Ttl = a.Item5,
            Dscp = a.Item6,
            Ecn = a.Item7,
            Identification = a.Item8,
            DontFragment = b.Item1,
            MoreFragments = b.Item2,
            FragmentOffset = b.Item3 * 8,
            OptionsLength = b.Item4 * 4,
        });

    private static ReadOnlySpan<byte> Ip(byte[] frame) => frame.AsSpan(EthernetView.HeaderLength);

    [Fact]
    public void Captured_echo_request_parses()
    {
        Assert.True(Ipv4Repr.TryParse(Ip(GoldenFrames.Icmpv4EchoRequest), out var repr, out var error));
        Assert.Equal(WireParseError.None, error);
        Assert.Equal(new Ipv4Repr
        {
            Source = GoldenFrames.Ip4A,
            Destination = GoldenFrames.Ip4B,
            Protocol = IpProtocol.Icmp,
            PayloadLength = 24,
            Ttl = 64,
            Identification = 54641,
            DontFragment = true,
        }, repr);
        Assert.False(repr.IsFragment);
        Assert.Equal(0x5097, new Ipv4View(Ip(GoldenFrames.Icmpv4EchoRequest)).Checksum);
    }

    [Fact]
    public void Captured_tos_and_ttl_parse()
    {
        Assert.True(Ipv4Repr.TryParse(Ip(GoldenFrames.Icmpv4EchoRequestTos), out var repr, out _));
        Assert.Equal(4, repr.Dscp); // TOS 0x10
        Assert.Equal(0, repr.Ecn);
        Assert.Equal(17, repr.Ttl);
        Assert.Equal(0, repr.Identification);
        Assert.True(Ipv4Repr.TryParse(Ip(GoldenFrames.Icmpv4PortUnreachable), out var unreachable, out _));
        Assert.Equal(48, unreachable.Dscp); // TOS 0xc0 (CS6, as Linux sends ICMP errors)
    }

    public static TheoryData<string> CapturedIpv4 => new()
    {
        nameof(GoldenFrames.Icmpv4EchoRequest), nameof(GoldenFrames.Icmpv4EchoReply), nameof(GoldenFrames.Icmpv4EchoRequestTos),
        nameof(GoldenFrames.Ipv4RecordRouteRequest), nameof(GoldenFrames.Ipv4RecordRouteReply), nameof(GoldenFrames.Ipv4LastFragment),
        nameof(GoldenFrames.Ipv4Udp), nameof(GoldenFrames.Icmpv4PortUnreachable),
    };

    [Theory]
    [MemberData(nameof(CapturedIpv4))]
    public void Emit_reproduces_every_captured_header_byte_for_byte(string name)
    {
        byte[] frame = GoldenFrames.All().Single(f => f.Name == name).Frame;
        var packet = Ip(frame);
        Assert.True(Ipv4Repr.TryParse(packet, out var repr, out _));
        Assert.Equal(packet.Length, repr.BufferLength);
        var header = new byte[repr.HeaderLength];
        Assert.Equal(repr.HeaderLength, repr.Emit(header, new Ipv4View(packet).Options));
        Assert.Equal(packet.Slice(0, repr.HeaderLength).ToArray(), header);
    }

    [Fact]
    public void Captured_record_route_options_are_walked()
    {
        var request = new Ipv4View(Ip(GoldenFrames.Ipv4RecordRouteRequest));
        Assert.Equal(60, request.HeaderLength);
        var reader = request.GetOptionReader();
        Assert.True(reader.TryReadNext(out byte kind, out var option)); // NOP skipped
        Assert.Equal(7, kind);
        Assert.Equal(39, option.Length);
        Assert.Equal(8, option[2]); // pointer past the first recorded address
        Assert.Equal(GoldenFrames.Ip4A, new Ipv4Address(option.Slice(3)));
        Assert.False(reader.TryReadNext(out _, out _));
        Assert.Equal(WireParseError.None, reader.Error);

        var reply = new Ipv4View(Ip(GoldenFrames.Ipv4RecordRouteReply)).GetOptionReader();
        Assert.True(reply.TryReadNext(out kind, out option));
        Assert.Equal(7, kind);
        Assert.Equal(16, option[2]);
        Assert.False(reply.TryReadNext(out _, out _)); // End of Option List
        Assert.Equal(WireParseError.None, reply.Error);
    }

    [Fact]
    public void Captured_last_fragment_is_a_fragment()
    {
        Assert.True(Ipv4Repr.TryParse(Ip(GoldenFrames.Ipv4LastFragment), out var repr, out _));
        Assert.True(repr.IsFragment);
        Assert.False(repr.MoreFragments);
        Assert.Equal(1256, repr.FragmentOffset);
        Assert.Equal(52, repr.PayloadLength);
        Assert.True(new Ipv4View(Ip(GoldenFrames.Ipv4LastFragment)).IsFragment);
    }

    [Fact]
    public void Parse_of_emit_is_identity()
    {
        Repr.Sample(repr =>
        {
            var buffer = new byte[repr.BufferLength];
            Assert.Equal(repr.HeaderLength, repr.Emit(buffer));
            Assert.True(Ipv4Repr.TryParse(buffer, out var parsed, out var error), error.ToString());
            Assert.Equal(repr, parsed);
            Assert.True(new Ipv4View(buffer).VerifyChecksum());
        }, iter: WireGen.Iterations);
    }

    [Fact]
    public void Trailing_link_padding_is_ignored()
    {
        byte[] padded = new byte[Ip(GoldenFrames.Ipv4Udp).Length + 15]; // a 45-byte frame padded to 60
        Ip(GoldenFrames.Ipv4Udp).CopyTo(padded);
        padded.AsSpan(31).Fill(0xEE);
        Assert.True(Ipv4Repr.TryParse(padded, out var repr, out _));
        Assert.Equal(IpProtocol.Udp, repr.Protocol);
        Assert.Equal(11, repr.PayloadLength);
        Assert.Equal(11, new Ipv4View(padded).Payload.Length);
    }

    [Fact]
    public void Truncation_at_every_length_is_reported_without_exception()
    {
        byte[] packet = Ip(GoldenFrames.Ipv4RecordRouteRequest).ToArray();
        for (int length = 0; length < packet.Length; length++)
        {
            Assert.False(Ipv4Repr.TryParse(packet.AsSpan(0, length), out _, out var error));
            Assert.Equal(length < 20 ? WireParseError.Truncated : WireParseError.BadTotalLength, error);
        }
        Assert.True(Ipv4Repr.TryParse(packet, out _, out _));
    }

    private static byte[] WithHeaderEdit(Action<Ipv4MutableView> edit, bool fixChecksum = true)
    {
        byte[] packet = Ip(GoldenFrames.Icmpv4EchoRequest).ToArray();
        var view = new Ipv4MutableView(packet);
        edit(view);
        if (fixChecksum && view.HeaderLength >= 20 && view.HeaderLength <= packet.Length)
        {
            view.FillChecksum();
        }
        return packet;
    }

    public static TheoryData<string, WireParseError> Malformed => new()
    {
        { "version 6", WireParseError.BadVersion },
        { "version 0", WireParseError.BadVersion },
        { "IHL 4", WireParseError.BadHeaderLength },
        { "IHL 0", WireParseError.BadHeaderLength },
        { "IHL 15 past total length 44", WireParseError.BadHeaderLength },
        { "total length 45 past buffer 44", WireParseError.BadTotalLength },
        { "total length 65535", WireParseError.BadTotalLength },
        { "total length 19", WireParseError.BadHeaderLength },
        { "bad checksum", WireParseError.BadChecksum },
        { "option length 1", WireParseError.BadOptionLength },
        { "option length 0", WireParseError.BadOptionLength },
        { "option length past header", WireParseError.BadOptionLength },
        { "option kind without length byte", WireParseError.BadOptionLength },
    };

    private static byte[] MalformedPacket(string name) => name switch
    {
        "version 6" => WithHeaderEdit(v => v.Version = 6),
        "version 0" => WithHeaderEdit(v => v.Version = 0),
        "IHL 4" => WithHeaderEdit(v => v.HeaderLength = 16, fixChecksum: false),
        "IHL 0" => WithHeaderEdit(v => v.HeaderLength = 0, fixChecksum: false),
        "IHL 15 past total length 44" => WithHeaderEdit(v => v.HeaderLength = 60, fixChecksum: false),
        "total length 45 past buffer 44" => WithHeaderEdit(v => v.TotalLength = 45),
        "total length 65535" => WithHeaderEdit(v => v.TotalLength = 65535),
        "total length 19" => WithHeaderEdit(v => v.TotalLength = 19),
        "bad checksum" => WithHeaderEdit(v => v.Ttl = 63, fixChecksum: false),
        "option length 1" => WithOptions(0x07, 0x01, 0x00, 0x00),
        "option length 0" => WithOptions(0x01, 0x07, 0x00, 0x00),
        "option length past header" => WithOptions(0x07, 0x05, 0x04, 0x00),
        "option kind without length byte" => WithOptions(0x01, 0x01, 0x01, 0x44),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static byte[] WithOptions(params byte[] options)
    {
        var repr = new Ipv4Repr { Protocol = IpProtocol.Udp, Ttl = 64, OptionsLength = options.Length, Source = GoldenFrames.Ip4A };
        var packet = new byte[repr.BufferLength];
        repr.Emit(packet, options);
        return packet;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_headers_give_the_right_error(string name, WireParseError expected)
    {
        byte[] packet = MalformedPacket(name);
        Assert.False(Ipv4Repr.TryParse(packet, out var repr, out var error));
        Assert.Equal(expected, error);
        Assert.Equal(default, repr);
    }

    [Fact]
    public void A_bad_checksum_passes_when_verification_is_off()
    {
        byte[] packet = MalformedPacket("bad checksum");
        Assert.True(Ipv4Repr.TryParse(packet, out var repr, out _, verifyChecksum: false));
        Assert.Equal(63, repr.Ttl);
    }

    [Fact]
    public void Valid_options_parse_eol_nop_and_padding()
    {
        Assert.True(Ipv4Repr.TryParse(WithOptions(0x01, 0x01, 0x94, 0x04, 0x00, 0x00, 0x00, 0x00), out var repr, out _)); // NOP NOP Router Alert
        Assert.Equal(8, repr.OptionsLength);
        Assert.True(Ipv4Repr.TryParse(WithOptions(0x00, 0x07, 0x00, 0x00), out _, out _)); // after EOL, anything
        Assert.Equal(WireParseError.None, Ipv4OptionReader.Validate([0x94, 0x04, 0x00, 0x00]));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Gen.Byte.Array[0, 80].Sample(bytes =>
        {
            if (bytes.Length > 0)
            {
                bytes[0] = (byte)(0x40 | (bytes[0] & 0x0F)); // mostly version 4, to get past the first check
            }
            if (Ipv4Repr.TryParse(bytes, out var repr, out var error))
            {
                Assert.Equal(WireParseError.None, error);
                Assert.True(repr.BufferLength <= bytes.Length);
            }
            else
            {
                Assert.NotEqual(WireParseError.None, error);
            }
            _ = Ipv4Repr.TryParseQuoted(bytes, out _, out _);
        }, iter: WireGen.Iterations);
    }

    [Fact]
    public void Mutable_view_edits_keep_the_checksum_valid_when_refilled_or_updated()
    {
        byte[] packet = Ip(GoldenFrames.Icmpv4EchoRequest).ToArray();
        var view = new Ipv4MutableView(packet);
        ushort oldWord = (ushort)((view.Ttl << 8) | (byte)view.Protocol);
        view.Ttl--;
        ushort newWord = (ushort)((view.Ttl << 8) | (byte)view.Protocol);
        view.Checksum = InternetChecksum.Update(view.Checksum, oldWord, newWord); // RFC 1624 (a router's TTL decrement)
        Assert.True(view.AsReadOnly().VerifyChecksum());
        view.Destination = new Ipv4Address(192, 0, 2, 1);
        view.DontFragment = false;
        view.MoreFragments = true;
        view.FragmentOffset = 64;
        view.Dscp = 46;
        view.Ecn = 3;
        view.FillChecksum();
        Assert.True(Ipv4Repr.TryParse(packet, out var repr, out _));
        Assert.Equal(new Ipv4Address(192, 0, 2, 1), repr.Destination);
        Assert.False(repr.DontFragment);
        Assert.True(repr.MoreFragments);
        Assert.Equal(64, repr.FragmentOffset);
        Assert.Equal(46, repr.Dscp);
        Assert.Equal(3, repr.Ecn);
        Assert.Equal(63, repr.Ttl);
    }

    [Fact]
    public void Emit_refuses_out_of_range_fields_and_short_buffers()
    {
        var ok = new Ipv4Repr { PayloadLength = 10 };
        Assert.Throws<ArgumentOutOfRangeException>(() => ok.Emit(new byte[19]));
        Assert.Throws<ArgumentOutOfRangeException>(() => (ok with { OptionsLength = 4 }).Emit(new byte[24], new byte[8]));
        Assert.Throws<InvalidOperationException>(() => (ok with { Dscp = 64 }).Emit(new byte[20]));
        Assert.Throws<InvalidOperationException>(() => (ok with { FragmentOffset = 12 }).Emit(new byte[20]));
        Assert.Throws<InvalidOperationException>(() => (ok with { OptionsLength = 44 }).Emit(new byte[64]));
        Assert.Throws<InvalidOperationException>(() => (ok with { PayloadLength = 65535 - 19 }).Emit(new byte[20]));
    }

    [Fact]
    public void Quoted_header_in_an_icmp_error_parses_though_its_payload_is_cut()
    {
        var icmp = new Icmpv4View(new Ipv4View(Ip(GoldenFrames.Icmpv4PortUnreachable)).Payload);
        var quoted = icmp.Payload;
        Assert.True(Ipv4Repr.TryParseQuoted(quoted.Slice(0, 28), out var repr, out var error));
        Assert.Equal(WireParseError.None, error);
        Assert.Equal(IpProtocol.Udp, repr.Protocol);
        Assert.Equal(GoldenFrames.Ip4A, repr.Source);
        Assert.Equal(GoldenFrames.Ip4B, repr.Destination);
        Assert.Equal(11, repr.PayloadLength);
        Assert.False(Ipv4Repr.TryParse(quoted.Slice(0, 28), out _, out error));
        Assert.Equal(WireParseError.BadTotalLength, error);
        Assert.False(Ipv4Repr.TryParseQuoted(quoted.Slice(0, 19), out _, out error));
        Assert.Equal(WireParseError.Truncated, error);
    }
}
