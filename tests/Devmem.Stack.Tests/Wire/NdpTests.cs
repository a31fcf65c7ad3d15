using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

public class NdpTests
{
    private static (byte[] Message, Ipv6Address Source, Ipv6Address Destination) Message(byte[] frame)
    {
        var ip = new Ipv6View(frame.AsSpan(EthernetView.HeaderLength));
        Assert.Equal(NdpRepr.RequiredHopLimit, ip.HopLimit);
        return (ip.Payload.ToArray(), ip.Source, ip.Destination);
    }

    [Fact]
    public void Captured_neighbor_solicitation_parses_and_is_reproduced()
    {
        var (message, src, dst) = Message(GoldenFrames.NeighborSolicitation);
        Assert.True(NdpRepr.TryParse(message, src, dst, out var repr, out var error));
        Assert.Equal(WireParseError.None, error);
        var expected = NdpRepr.NeighborSolicitation(GoldenFrames.Ip6B, GoldenFrames.MacA);
        Assert.Equal(expected, repr);
        Assert.Equal(GoldenFrames.Ip6B.SolicitedNodeMulticast, dst);
        var emitted = new byte[expected.BufferLength];
        Assert.Equal(32, expected.Emit(emitted, src, dst));
        Assert.Equal(message, emitted);
    }

    [Fact]
    public void Captured_neighbor_advertisement_parses_and_is_what_we_would_answer()
    {
        var (message, src, dst) = Message(GoldenFrames.NeighborAdvertisement);
        Assert.True(NdpRepr.TryParse(message, src, dst, out var repr, out _));
        var expected = NdpRepr.NeighborAdvertisement(GoldenFrames.Ip6B, router: false, solicited: true, @override: true, GoldenFrames.MacB);
        Assert.Equal(expected, repr);
        var emitted = new byte[expected.BufferLength];
        expected.Emit(emitted, src, dst);
        Assert.Equal(message, emitted);
        var view = new NdpView(message);
        Assert.True(view.IsSolicited);
        Assert.True(view.IsOverride);
        Assert.False(view.IsRouter);
    }

    [Fact]
    public void Captured_duplicate_address_detection_skips_the_nonce_option()
    {
        var (message, src, dst) = Message(GoldenFrames.DadNeighborSolicitation);
        Assert.True(src.IsUnspecified);
        Assert.True(NdpRepr.TryParse(message, src, dst, out var repr, out _));
        Assert.Equal(Ipv6Address.Parse("fe80::ff:fe00:b"), repr.TargetAddress);
        Assert.Null(repr.SourceLinkLayerAddress);
        var reader = new NdpView(message).GetOptionReader();
        Assert.True(reader.TryReadNext(out var type, out var option));
        Assert.Equal(NdpOptionType.Nonce, type);
        Assert.Equal(8, option.Length);
        Assert.False(reader.TryReadNext(out _, out _));
        Assert.Equal(WireParseError.None, reader.Error);
    }

    [Fact]
    public void Captured_router_solicitation_parses_and_is_reproduced()
    {
        var (message, src, dst) = Message(GoldenFrames.RouterSolicitation);
        Assert.True(NdpRepr.TryParse(message, src, dst, out var repr, out _));
        Assert.Equal(NdpRepr.RouterSolicitation(GoldenFrames.MacA), repr);
        var emitted = new byte[repr.BufferLength];
        repr.Emit(emitted, src, dst);
        Assert.Equal(message, emitted);
    }

    [Fact]
    public void A_router_advertisement_is_recognised_but_not_emitted()
    {
        var src = Ipv6Address.Parse("fe80::1");
        var dst = Ipv6Address.AllNodesLinkLocal;
        var message = new byte[16 + 8 + 8];
        var icmp = new Icmpv6MutableView(message) { Type = Icmpv6Type.RouterAdvertisement };
        message[4] = 64; // cur hop limit
        message[7] = 30; // router lifetime 30 s
        message[16] = (byte)NdpOptionType.SourceLinkLayerAddress;
        message[17] = 1;
        GoldenFrames.MacB.CopyTo(message.AsSpan(18));
        message[24] = (byte)NdpOptionType.Mtu;
        message[25] = 1;
        message[31] = 0x80; // MTU 128... only walked
        icmp.FillChecksum(src, dst);
        Assert.True(NdpRepr.TryParse(message, src, dst, out var repr, out var error), error.ToString());
        Assert.Equal(Icmpv6Type.RouterAdvertisement, repr.Type);
        Assert.Equal(GoldenFrames.MacB, repr.SourceLinkLayerAddress);
        var view = new NdpView(message);
        Assert.Equal(64, view.CurrentHopLimit);
        Assert.Equal(30, view.RouterLifetime);
        Assert.Throws<NotSupportedException>(() => repr.Emit(new byte[64], src, dst));

        Assert.False(NdpRepr.TryParse(message, GoldenFrames.Ip6A, dst, out _, out error, verifyChecksum: false));
        Assert.Equal(WireParseError.Malformed, error); // RFC 4861 §6.1.2: an RA comes from a link-local address
    }

    private static readonly Gen<MacAddress?> OptionalMac = Gen.Nullable(WireGen.Mac, 0.3);

    private static readonly Gen<NdpRepr> Repr = Gen.OneOf(
        Gen.Select(WireGen.Ip6Unicast, OptionalMac, (target, sll) => NdpRepr.NeighborSolicitation(target, sll)),
        Gen.Select(WireGen.Ip6Unicast, Gen.Bool, Gen.Bool, Gen.Bool, OptionalMac,
            (target, r, s, o, tll) => NdpRepr.NeighborAdvertisement(target, r, s, o, tll)),
        OptionalMac.Select(sll => NdpRepr.RouterSolicitation(sll)),
        Gen.Select(WireGen.Ip6Unicast, OptionalMac, OptionalMac, (target, sll, tll) => NdpRepr.NeighborSolicitation(target, sll) with
        {
            TargetLinkLayerAddress = tll,
        }));

    [Fact]
    public void Parse_of_emit_is_identity()
    {
        Gen.Select(Repr, WireGen.Ip6LinkLocal, WireGen.Ip6Unicast).Sample((repr, src, dst) =>
        {
            var buffer = new byte[repr.BufferLength];
            Assert.Equal(repr.BufferLength, repr.Emit(buffer, src, dst));
            Assert.True(NdpRepr.TryParse(buffer, src, dst, out var parsed, out var error), error.ToString());
            Assert.Equal(repr, parsed);
            Assert.True(Icmpv6Repr.TryParse(buffer, src, dst, out var icmp, out _));
            Assert.Equal(repr.Type, icmp.Type);
        }, iter: WireGen.Iterations);
    }

    public static TheoryData<string, WireParseError> Malformed => new()
    {
        { "option length 0", WireParseError.BadOptionLength },
        { "option past the end", WireParseError.BadOptionLength },
        { "lone option type byte", WireParseError.BadOptionLength },
        { "code 1", WireParseError.Malformed },
        { "multicast target", WireParseError.Malformed },
        { "solicited advertisement to multicast", WireParseError.Malformed },
        { "DAD with a source link-layer option", WireParseError.Malformed },
        { "DAD not to a solicited-node address", WireParseError.Malformed },
        { "bad checksum", WireParseError.BadChecksum },
        { "echo request is not ND", WireParseError.UnknownProtocol },
        { "solicitation shorter than its fixed part", WireParseError.Truncated },
    };

    private static (byte[] Message, Ipv6Address Source, Ipv6Address Destination) MalformedMessage(string name)
    {
        var (ns, nsSrc, nsDst) = Message(GoldenFrames.NeighborSolicitation);
        var (na, naSrc, naDst) = Message(GoldenFrames.NeighborAdvertisement);
        var (dad, dadSrc, dadDst) = Message(GoldenFrames.DadNeighborSolicitation);
        byte[] Fix(byte[] m, Ipv6Address s, Ipv6Address d)
        {
            new Icmpv6MutableView(m).FillChecksum(s, d);
            return m;
        }
        switch (name)
        {
            case "option length 0":
                ns[25] = 0;
                return (Fix(ns, nsSrc, nsDst), nsSrc, nsDst);
            case "option past the end":
                ns[25] = 2;
                return (Fix(ns, nsSrc, nsDst), nsSrc, nsDst);
            case "lone option type byte":
            {
                var m = ns.Concat(new byte[] { 1 }).ToArray();
                return (Fix(m, nsSrc, nsDst), nsSrc, nsDst);
            }
            case "code 1":
                ns[1] = 1;
                return (Fix(ns, nsSrc, nsDst), nsSrc, nsDst);
            case "multicast target":
                Ipv6Address.AllNodesLinkLocal.CopyTo(ns.AsSpan(8));
                return (Fix(ns, nsSrc, nsDst), nsSrc, nsDst);
            case "solicited advertisement to multicast":
                return (Fix(na, naSrc, Ipv6Address.AllNodesLinkLocal), naSrc, Ipv6Address.AllNodesLinkLocal);
            case "DAD with a source link-layer option":
                dad[24] = (byte)NdpOptionType.SourceLinkLayerAddress;
                return (Fix(dad, dadSrc, dadDst), dadSrc, dadDst);
            case "DAD not to a solicited-node address":
                return (Fix(dad, dadSrc, GoldenFrames.Ip6B), dadSrc, GoldenFrames.Ip6B);
            case "bad checksum":
                ns[^1] ^= 0xFF;
                return (ns, nsSrc, nsDst);
            case "echo request is not ND":
            {
                var ip = new Ipv6View(GoldenFrames.Icmpv6EchoRequest.AsSpan(EthernetView.HeaderLength));
                return (ip.Payload.ToArray(), ip.Source, ip.Destination);
            }
            case "solicitation shorter than its fixed part":
                return (ns.AsSpan(0, 23).ToArray(), nsSrc, nsDst);
            default:
                throw new ArgumentOutOfRangeException(nameof(name));
        }
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_messages_give_the_right_error(string name, WireParseError expected)
    {
        var (message, src, dst) = MalformedMessage(name);
        Assert.False(NdpRepr.TryParse(message, src, dst, out var repr, out var error));
        Assert.Equal(expected, error);
        Assert.Equal(default, repr);
    }

    [Fact]
    public void Truncation_at_every_length_is_reported_without_exception()
    {
        var (message, src, dst) = Message(GoldenFrames.NeighborAdvertisement);
        for (int length = 0; length < message.Length; length++)
        {
            var cut = message.AsSpan(0, length);
            Assert.False(NdpRepr.TryParse(cut, src, dst, out _, out var error));
            Assert.Equal(length < 24 ? WireParseError.Truncated : WireParseError.BadChecksum, error);
            bool ok = NdpRepr.TryParse(cut, src, dst, out var repr, out error, verifyChecksum: false);
            Assert.Equal(length == 24, ok); // 24: no options; 25..31: an option cut short
            Assert.Equal(length < 24 ? WireParseError.Truncated : length == 24 ? WireParseError.None : WireParseError.BadOptionLength, error);
            if (ok)
            {
                Assert.Null(repr.TargetLinkLayerAddress);
            }
        }
    }

    [Fact]
    public void Option_reader_walks_8_byte_units_and_rejects_length_zero()
    {
        byte[] options = [1, 1, 2, 0, 0, 0, 0, 10, 5, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var reader = new NdpOptionReader(options);
        Assert.True(reader.TryReadNext(out var type, out var option));
        Assert.Equal(NdpOptionType.SourceLinkLayerAddress, type);
        Assert.Equal(new MacAddress(0x0200_0000_000A), new MacAddress(option.Slice(2)));
        Assert.True(reader.TryReadNext(out type, out option));
        Assert.Equal(NdpOptionType.Mtu, type);
        Assert.Equal(16, option.Length);
        Assert.False(reader.TryReadNext(out _, out _));
        Assert.Equal(WireParseError.None, reader.Error);
        Assert.Equal(WireParseError.BadOptionLength, NdpOptionReader.Validate([1, 0, 0, 0, 0, 0, 0, 0]));
        Assert.Equal(WireParseError.None, NdpOptionReader.Validate([]));
    }

    [Fact]
    public void Random_bodies_never_throw()
    {
        Gen.Select(Gen.Int[133, 137], Gen.Byte.Array[0, 80]).Sample((type, body) =>
        {
            var message = new byte[8 + body.Length];
            message[0] = (byte)type;
            body.CopyTo(message, 8);
            _ = NdpRepr.TryParse(message, Ipv6Address.Parse("fe80::1"), GoldenFrames.Ip6B, out _, out _, verifyChecksum: false);
        }, iter: WireGen.Iterations);
    }
}
