using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

public class Ipv6ExtensionHeaderTests
{
    private static ReadOnlySpan<byte> Ip(byte[] frame) => frame.AsSpan(EthernetView.HeaderLength);

    /// <summary>An extension header: its protocol number and its bytes (next-header byte filled in by <see cref="Chain"/>).</summary>
    private readonly record struct Ext(IpProtocol Protocol, byte[] Bytes);

    private static Ext Generic(IpProtocol protocol, int units) // Hop-by-Hop, Routing, Destination Options: (len + 1) * 8
    {
        var bytes = new byte[(units + 1) * 8];
        bytes[1] = (byte)units;
        bytes[2] = 1; // PadN covering the rest
        bytes[3] = (byte)(bytes.Length - 4);
        return new Ext(protocol, bytes);
    }

    private static Ext Fragment(int offset, bool more, uint id)
    {
        var bytes = new byte[8];
        bytes[2] = (byte)(offset >> 8);
        bytes[3] = (byte)((offset & 0xF8) | (more ? 1 : 0));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), id);
        return new Ext(IpProtocol.Fragment, bytes);
    }

    private static Ext Ah(int words) // (len + 2) * 4
    {
        var bytes = new byte[(words + 2) * 4];
        bytes[1] = (byte)words;
        return new Ext(IpProtocol.Ah, bytes);
    }

    /// <summary>An IPv6 packet: fixed header, the chain, then <paramref name="upperLength"/> bytes of <paramref name="upper"/>.</summary>
    private static byte[] Chain(IpProtocol upper, int upperLength, params Ext[] chain)
    {
        int extLength = chain.Sum(e => e.Bytes.Length);
        var repr = new Ipv6Repr
        {
            Source = GoldenFrames.Ip6A,
            Destination = GoldenFrames.Ip6B,
            HopLimit = 64,
            NextHeader = chain.Length > 0 ? chain[0].Protocol : upper,
            PayloadLength = extLength + upperLength,
        };
        var packet = new byte[repr.BufferLength];
        repr.Emit(packet);
        int offset = 40;
        for (int i = 0; i < chain.Length; i++)
        {
            chain[i].Bytes.CopyTo(packet, offset);
            packet[offset] = (byte)(i + 1 < chain.Length ? chain[i + 1].Protocol : upper);
            offset += chain[i].Bytes.Length;
        }
        return packet;
    }

    [Fact]
    public void Captured_mld_report_behind_hop_by_hop_reaches_icmpv6()
    {
        var packet = Ip(GoldenFrames.MldV2ReportWithHopByHop);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, 8, out var walk, out var error));
        Assert.Equal(WireParseError.None, error);
        Assert.Equal(IpProtocol.Icmpv6, walk.UpperProtocol);
        Assert.Equal(48, walk.UpperOffset);
        Assert.Equal(48, walk.UpperLength);
        Assert.Equal(1, walk.HeaderCount);
        Assert.False(walk.DepthLimitReached);
        Assert.False(walk.IsFragment);
        Assert.Equal((byte)Icmpv6Type.MulticastListenerReportV2, packet[48]);
    }

    [Fact]
    public void Captured_mld_report_with_depth_zero_stops_at_the_hop_by_hop_header()
    {
        var packet = Ip(GoldenFrames.MldV2ReportWithHopByHop);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, 0, out var walk, out _));
        Assert.True(walk.DepthLimitReached);
        Assert.Equal(IpProtocol.HopByHop, walk.UpperProtocol);
        Assert.Equal(40, walk.UpperOffset);
        Assert.True(Ipv6ExtensionHeaders.TryWalkExtensionHeaders(packet, 0, out byte upper, out int offset, out bool fragment, out _));
        Assert.True(Ipv6ExtensionHeaders.IsExtensionHeader(upper));
        Assert.Equal(40, offset);
        Assert.False(fragment);
    }

    [Fact]
    public void Captured_non_first_fragment_stops_after_the_fragment_header()
    {
        var packet = Ip(GoldenFrames.Ipv6NonFirstFragment);
        Assert.True(Ipv6ExtensionHeaders.TryWalkExtensionHeaders(packet, 8, out byte upper, out int offset, out bool fragment, out var error));
        Assert.Equal(WireParseError.None, error);
        Assert.True(fragment);
        Assert.Equal((byte)IpProtocol.Icmpv6, upper);
        Assert.Equal(48, offset);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, 8, out var walk, out _));
        Assert.Equal(1232, walk.FragmentOffset);
        Assert.False(walk.MoreFragments);
        Assert.Equal(0x8B8882B3u, walk.FragmentIdentification);
    }

    [Fact]
    public void Plain_upper_layer_needs_no_walk()
    {
        var packet = Ip(GoldenFrames.Icmpv6EchoRequest);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, 0, out var walk, out _));
        Assert.Equal(IpProtocol.Icmpv6, walk.UpperProtocol);
        Assert.Equal(40, walk.UpperOffset);
        Assert.Equal(0, walk.HeaderCount);
        Assert.False(walk.DepthLimitReached);
    }

    [Fact]
    public void Every_walkable_header_kind_is_stepped_over()
    {
        byte[] packet = Chain(IpProtocol.Tcp, 20,
            Generic(IpProtocol.HopByHop, 0), Generic(IpProtocol.DestinationOptions, 2), Generic(IpProtocol.Routing, 1),
            Fragment(0, false, 7), Ah(4), Generic(IpProtocol.DestinationOptions, 0));
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, 6, out var walk, out var error));
        Assert.Equal(WireParseError.None, error);
        Assert.Equal(IpProtocol.Tcp, walk.UpperProtocol);
        Assert.Equal(40 + 8 + 24 + 16 + 8 + 24 + 8, walk.UpperOffset);
        Assert.Equal(20, walk.UpperLength);
        Assert.Equal(6, walk.HeaderCount);
        Assert.True(walk.HasFragmentHeader);
        Assert.False(walk.IsFragment); // an atomic fragment (RFC 6946)
        Assert.Equal(7u, walk.FragmentIdentification);

        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, 5, out var limited, out _));
        Assert.True(limited.DepthLimitReached);
        Assert.Equal(IpProtocol.DestinationOptions, limited.UpperProtocol);
        Assert.Equal(40 + 8 + 24 + 16 + 8 + 24, limited.UpperOffset);
    }

    [Theory]
    [InlineData(IpProtocol.Esp)]
    [InlineData(IpProtocol.NoNextHeader)]
    [InlineData(IpProtocol.Udp)]
    [InlineData((IpProtocol)253)]
    public void Esp_no_next_header_and_unknown_protocols_end_the_walk(IpProtocol last)
    {
        byte[] packet = Chain(last, 16, Generic(IpProtocol.DestinationOptions, 0));
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, 1, out var walk, out _));
        Assert.Equal(last, walk.UpperProtocol);
        Assert.Equal(48, walk.UpperOffset);
        Assert.False(walk.DepthLimitReached);
    }

    [Fact]
    public void A_first_fragment_continues_to_the_upper_layer_and_is_a_fragment()
    {
        byte[] packet = Chain(IpProtocol.Tcp, 20, Fragment(0, true, 1));
        Assert.True(Ipv6ExtensionHeaders.TryWalkExtensionHeaders(packet, 2, out byte upper, out int offset, out bool fragment, out _));
        Assert.Equal((byte)IpProtocol.Tcp, upper);
        Assert.Equal(48, offset);
        Assert.True(fragment);
    }

    // A header buffer that holds the start of a packet whose payload lies elsewhere (header split at the
    // source): the walk reaches the upper layer when the chain is in the buffer, and says Truncated when not.
    [Fact]
    public void A_walk_over_a_header_buffer_counts_the_detached_bytes_and_needs_the_chain_in_the_buffer()
    {
        byte[] packet = Chain(IpProtocol.Tcp, 4000, Generic(IpProtocol.DestinationOptions, 2), Generic(IpProtocol.Routing, 1));
        int chain = Ipv6View.HeaderLength + 24 + 16;

        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet.AsSpan(0, chain + 20), packet.Length - chain - 20, 8, out var walk, out _));
        Assert.Equal((IpProtocol.Tcp, chain, 4000), (walk.UpperProtocol, walk.UpperOffset, walk.UpperLength));

        Assert.False(Ipv6ExtensionHeaders.TryWalk(packet.AsSpan(0, chain - 8), packet.Length - chain + 8, 8, out _, out var error));
        Assert.Equal(WireParseError.Truncated, error);
        Assert.False(Ipv6ExtensionHeaders.TryWalk(packet.AsSpan(0, chain + 20), packet.Length - chain - 21, 8, out _, out error));
        Assert.Equal(WireParseError.BadTotalLength, error);
    }

    public static TheoryData<string, WireParseError> Malformed => new()
    {
        { "extension length past payload", WireParseError.BadHeaderLength },
        { "AH length past payload", WireParseError.BadHeaderLength },
        { "no room for next header and length", WireParseError.Truncated },
        { "fragment header cut", WireParseError.Truncated },
        { "hop-by-hop not first", WireParseError.Malformed },
        { "payload length past buffer", WireParseError.BadTotalLength },
        { "version 4", WireParseError.BadVersion },
        { "fixed header cut", WireParseError.Truncated },
    };

    private static byte[] MalformedPacket(string name)
    {
        switch (name)
        {
            case "extension length past payload":
            {
                byte[] p = Chain(IpProtocol.Tcp, 0, Generic(IpProtocol.DestinationOptions, 1));
                p[41] = 2; // claims 24 bytes, 16 present
                return p;
            }
            case "AH length past payload":
            {
                byte[] p = Chain(IpProtocol.Tcp, 0, Ah(4));
                p[41] = 5;
                return p;
            }
            case "no room for next header and length":
            {
                byte[] p = Chain(IpProtocol.Tcp, 1);
                p[6] = (byte)IpProtocol.Routing; // a routing header in a 1-byte payload
                return p;
            }
            case "fragment header cut":
            {
                byte[] p = Chain(IpProtocol.Tcp, 6);
                p[6] = (byte)IpProtocol.Fragment;
                return p;
            }
            case "hop-by-hop not first":
                return Chain(IpProtocol.Tcp, 20, Generic(IpProtocol.DestinationOptions, 0), Generic(IpProtocol.HopByHop, 0));
            case "payload length past buffer":
            {
                byte[] p = Chain(IpProtocol.Tcp, 20, Generic(IpProtocol.DestinationOptions, 0));
                return p.AsSpan(0, p.Length - 1).ToArray();
            }
            case "version 4":
            {
                byte[] p = Chain(IpProtocol.Tcp, 20);
                p[0] = 0x40;
                return p;
            }
            case "fixed header cut":
                return new byte[39];
            default:
                throw new ArgumentOutOfRangeException(nameof(name));
        }
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_chains_give_the_right_error(string name, WireParseError expected)
    {
        byte[] packet = MalformedPacket(name);
        Assert.False(Ipv6ExtensionHeaders.TryWalk(packet, 16, out var walk, out var error));
        Assert.Equal(expected, error);
        Assert.Equal(default, walk);
    }

    [Fact]
    public void A_negative_depth_is_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv6ExtensionHeaders.TryWalk(Chain(IpProtocol.Tcp, 0), -1, out _, out _));
    }

    private static readonly Gen<Ext> AnyExt = Gen.OneOf(
        Gen.Int[0, 4].Select(n => Generic(IpProtocol.DestinationOptions, n)),
        Gen.Int[0, 4].Select(n => Generic(IpProtocol.Routing, n)),
        Gen.Int[1, 6].Select(n => Ah(n)),
        Gen.Bool.Select(more => Fragment(0, more, 42)));

    [Fact]
    public void Random_chains_walk_to_the_upper_layer_or_stop_exactly_at_the_depth_limit()
    {
        Gen.Select(Gen.Bool, AnyExt.Array[0, 8], Gen.Int[0, 10], Gen.Int[0, 64]).Sample((hopByHop, exts, depth, upperLength) =>
        {
            var chain = hopByHop ? exts.Prepend(Generic(IpProtocol.HopByHop, 1)).ToArray() : exts;
            byte[] packet = Chain(IpProtocol.Udp, upperLength, chain);
            Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, depth, out var walk, out var error), error.ToString());
            int walked = Math.Min(depth, chain.Length);
            Assert.Equal(walked, walk.HeaderCount);
            Assert.Equal(40 + chain.Take(walked).Sum(e => e.Bytes.Length), walk.UpperOffset);
            Assert.Equal(packet.Length - walk.UpperOffset, walk.UpperLength);
            Assert.Equal(depth < chain.Length, walk.DepthLimitReached);
            Assert.Equal(depth < chain.Length ? chain[depth].Protocol : IpProtocol.Udp, walk.UpperProtocol);
            Assert.Equal(chain.Take(walked).Any(e => e.Protocol == IpProtocol.Fragment && (e.Bytes[3] & 1) != 0), walk.IsFragment);
        }, iter: WireGen.Iterations);
    }

    [Fact]
    public void Random_bytes_after_a_valid_fixed_header_never_throw()
    {
        Gen.Select(Gen.Byte, Gen.Byte.Array[0, 96]).Sample((next, body) =>
        {
            var repr = new Ipv6Repr { NextHeader = (IpProtocol)(next % 4 switch { 0 => 0, 1 => 43, 2 => 44, _ => 51 }), PayloadLength = body.Length };
            var packet = new byte[repr.BufferLength];
            repr.Emit(packet);
            body.CopyTo(packet, 40);
            if (Ipv6ExtensionHeaders.TryWalk(packet, 16, out var walk, out _))
            {
                Assert.InRange(walk.UpperOffset, 40, packet.Length);
            }
        }, iter: WireGen.Iterations);
    }
}
