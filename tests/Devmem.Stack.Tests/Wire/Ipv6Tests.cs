using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

public class Ipv6Tests
{
    internal static readonly Gen<Ipv6Repr> Repr = Gen.Select(WireGen.Ip6, WireGen.Ip6, Gen.Byte, Gen.Int[0, 65535], Gen.Byte, Gen.Byte,
        Gen.UInt[0, 0xF_FFFF],
        (src, dst, next, length, hops, tc, flow) => new Ipv6Repr
        {
            Source = src,
            Destination = dst,
            NextHeader = (IpProtocol)next,
            PayloadLength = length,
            HopLimit = hops,
            TrafficClass = tc,
            FlowLabel = flow,
        });

    private static ReadOnlySpan<byte> Ip(byte[] frame) => frame.AsSpan(EthernetView.HeaderLength);

    [Fact]
    public void Captured_echo_request_parses()
    {
        Assert.True(Ipv6Repr.TryParse(Ip(GoldenFrames.Icmpv6EchoRequest), out var repr, out var error));
        Assert.Equal(WireParseError.None, error);
        Assert.Equal(new Ipv6Repr
        {
            Source = GoldenFrames.Ip6A,
            Destination = GoldenFrames.Ip6B,
            NextHeader = IpProtocol.Icmpv6,
            PayloadLength = 24,
            HopLimit = 64,
            FlowLabel = 0x18CA6,
        }, repr);
    }

    public static TheoryData<string> CapturedIpv6 => new()
    {
        nameof(GoldenFrames.Icmpv6EchoRequest), nameof(GoldenFrames.Icmpv6EchoReply), nameof(GoldenFrames.NeighborSolicitation),
        nameof(GoldenFrames.NeighborAdvertisement), nameof(GoldenFrames.DadNeighborSolicitation), nameof(GoldenFrames.RouterSolicitation),
        nameof(GoldenFrames.MldV2ReportWithHopByHop), nameof(GoldenFrames.Ipv6NonFirstFragment), nameof(GoldenFrames.Icmpv6PortUnreachable),
    };

    [Theory]
    [MemberData(nameof(CapturedIpv6))]
    public void Emit_reproduces_every_captured_fixed_header_byte_for_byte(string name)
    {
        var packet = Ip(GoldenFrames.All().Single(f => f.Name == name).Frame);
        Assert.True(Ipv6Repr.TryParse(packet, out var repr, out _));
        Assert.Equal(packet.Length, repr.BufferLength);
        var header = new byte[40];
        Assert.Equal(40, repr.Emit(header));
        Assert.Equal(packet.Slice(0, 40).ToArray(), header);
    }

    [Fact]
    public void Parse_of_emit_is_identity()
    {
        Repr.Sample(repr =>
        {
            var buffer = new byte[repr.BufferLength];
            Assert.Equal(40, repr.Emit(buffer));
            Assert.True(Ipv6Repr.TryParse(buffer, out var parsed, out var error), error.ToString());
            Assert.Equal(repr, parsed);
        }, iter: WireGen.Iterations);
    }

    [Fact]
    public void Truncation_at_every_length_and_payload_length_past_buffer()
    {
        byte[] packet = Ip(GoldenFrames.Icmpv6EchoRequest).ToArray();
        for (int length = 0; length < packet.Length; length++)
        {
            Assert.False(Ipv6Repr.TryParse(packet.AsSpan(0, length), out _, out var error));
            Assert.Equal(length < 40 ? WireParseError.Truncated : WireParseError.BadTotalLength, error);
        }
        new Ipv6MutableView(packet).PayloadLength = 25;
        Assert.False(Ipv6Repr.TryParse(packet, out _, out var tooLong));
        Assert.Equal(WireParseError.BadTotalLength, tooLong);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(0)]
    [InlineData(15)]
    public void Bad_version_is_rejected(int version)
    {
        byte[] packet = Ip(GoldenFrames.Icmpv6EchoRequest).ToArray();
        new Ipv6MutableView(packet).Version = version;
        Assert.False(Ipv6Repr.TryParse(packet, out _, out var error));
        Assert.Equal(WireParseError.BadVersion, error);
        Assert.Equal(0x18CA6u, new Ipv6View(packet).FlowLabel); // the version setter leaves the rest alone
    }

    [Fact]
    public void Trailing_link_padding_is_ignored()
    {
        byte[] padded = new byte[Ip(GoldenFrames.Icmpv6EchoRequest).Length + 10];
        Ip(GoldenFrames.Icmpv6EchoRequest).CopyTo(padded);
        Assert.True(Ipv6Repr.TryParse(padded, out var repr, out _));
        Assert.Equal(24, repr.PayloadLength);
        Assert.Equal(24, new Ipv6View(padded).Payload.Length);
    }

    [Fact]
    public void Mutable_view_fields_do_not_bleed_into_each_other()
    {
        var buffer = new byte[40];
        buffer.AsSpan().Fill(0xFF);
        var view = new Ipv6MutableView(buffer)
        {
            Version = 6,
            TrafficClass = 0xA5,
            FlowLabel = 0x12345,
            PayloadLength = 0,
            NextHeader = IpProtocol.Tcp,
            HopLimit = 9,
            Source = GoldenFrames.Ip6A,
            Destination = GoldenFrames.Ip6B,
        };
        Ipv6View ro = view;
        Assert.Equal(6, ro.Version);
        Assert.Equal(0xA5, ro.TrafficClass);
        Assert.Equal(0x12345u, ro.FlowLabel);
        view.TrafficClass = 0;
        Assert.Equal(0x12345u, view.FlowLabel);
        Assert.Equal(6, view.Version);
        Assert.Equal(IpProtocol.Tcp, view.NextHeader);
        Assert.Equal(GoldenFrames.Ip6B, view.Destination);
    }

    [Fact]
    public void Emit_refuses_out_of_range_fields()
    {
        Assert.Throws<InvalidOperationException>(() => new Ipv6Repr { FlowLabel = 0x10_0000 }.Emit(new byte[40]));
        Assert.Throws<InvalidOperationException>(() => new Ipv6Repr { PayloadLength = 65536 }.Emit(new byte[40]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv6Repr().Emit(new byte[39]));
    }
}
