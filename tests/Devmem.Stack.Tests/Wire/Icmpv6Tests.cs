using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

public class Icmpv6Tests
{
    /// <summary>The ICMPv6 message of a captured frame without extension headers, and its addresses.</summary>
    private static (byte[] Message, Ipv6Address Source, Ipv6Address Destination) Message(byte[] frame)
    {
        var ip = new Ipv6View(frame.AsSpan(EthernetView.HeaderLength));
        return (ip.Payload.ToArray(), ip.Source, ip.Destination);
    }

    [Fact]
    public void Captured_echo_request_parses_with_the_pseudo_header()
    {
        var (message, src, dst) = Message(GoldenFrames.Icmpv6EchoRequest);
        Assert.True(Icmpv6Repr.TryParse(message, src, dst, out var repr, out var error));
        Assert.Equal(WireParseError.None, error);
        Assert.Equal(Icmpv6Repr.EchoRequest(3928, 1, 16), repr);
        Assert.False(repr.IsError);
        Assert.Equal(0x4A68, new Icmpv6View(message).Checksum);
        // The same bytes under other addresses fail: the pseudo-header is in the sum.
        Assert.False(Icmpv6Repr.TryParse(message, src, Ipv6Address.Loopback, out _, out error));
        Assert.Equal(WireParseError.BadChecksum, error);
    }

    [Fact]
    public void Our_echo_reply_is_what_linux_sent()
    {
        var (request, src, dst) = Message(GoldenFrames.Icmpv6EchoRequest);
        Assert.True(Icmpv6Repr.TryParse(request, src, dst, out var repr, out _));
        var emitted = new byte[repr.BufferLength];
        repr.Emit(emitted, request.AsSpan(8), src, dst);
        Assert.Equal(request, emitted);
        repr.ToEchoReply().Emit(request, dst, src); // in place, addresses swapped
        Assert.Equal(Message(GoldenFrames.Icmpv6EchoReply).Message, request);
    }

    [Fact]
    public void Captured_port_unreachable_is_an_error_quoting_the_datagram()
    {
        var (message, src, dst) = Message(GoldenFrames.Icmpv6PortUnreachable);
        Assert.True(Icmpv6Repr.TryParse(message, src, dst, out var repr, out _));
        Assert.Equal(Icmpv6Type.DestinationUnreachable, repr.Type);
        Assert.Equal(4, repr.Code); // port unreachable (RFC 4443 §3.1)
        Assert.True(repr.IsError);
        var quoted = new Icmpv6View(message).Payload;
        Assert.True(Ipv6Repr.TryParse(quoted, out var original, out _));
        Assert.Equal(IpProtocol.Udp, original.NextHeader);
        Assert.Equal(GoldenFrames.Ip6B, original.Destination);
    }

    [Fact]
    public void Captured_mld_report_checksum_verifies_after_the_hop_by_hop_header()
    {
        var packet = GoldenFrames.MldV2ReportWithHopByHop.AsSpan(EthernetView.HeaderLength);
        Assert.True(Ipv6ExtensionHeaders.TryWalk(packet, 4, out var walk, out _));
        var ip = new Ipv6View(packet);
        Assert.True(Icmpv6Repr.TryParse(packet.Slice(walk.UpperOffset, walk.UpperLength), ip.Source, ip.Destination, out var repr, out _));
        Assert.Equal(Icmpv6Type.MulticastListenerReportV2, repr.Type);
    }

    [Fact]
    public void Parse_of_emit_is_identity()
    {
        Gen.Select(Gen.Byte, Gen.Byte, Gen.UInt, Gen.Byte.Array[0, 1500], WireGen.Ip6, WireGen.Ip6).Sample((type, code, rest, payload, src, dst) =>
        {
            var repr = new Icmpv6Repr { Type = (Icmpv6Type)type, Code = code, RestOfHeader = rest, PayloadLength = payload.Length };
            var buffer = new byte[repr.BufferLength];
            Assert.Equal(repr.BufferLength, repr.Emit(buffer, payload, src, dst));
            Assert.True(Icmpv6Repr.TryParse(buffer, src, dst, out var parsed, out var error), error.ToString());
            Assert.Equal(repr, parsed);
            Assert.Equal(payload, new Icmpv6View(buffer).Payload.ToArray());
        }, iter: WireGen.Iterations);
    }

    [Fact]
    public void Truncation_and_bad_checksums_are_reported()
    {
        var (message, src, dst) = Message(GoldenFrames.Icmpv6EchoReply);
        for (int length = 0; length < 8; length++)
        {
            Assert.False(Icmpv6Repr.TryParse(message.AsSpan(0, length), src, dst, out _, out var error));
            Assert.Equal(WireParseError.Truncated, error);
        }
        for (int length = 8; length < message.Length; length++)
        {
            Assert.False(Icmpv6Repr.TryParse(message.AsSpan(0, length), src, dst, out _, out var error));
            Assert.Equal(WireParseError.BadChecksum, error);
            Assert.True(Icmpv6Repr.TryParse(message.AsSpan(0, length), src, dst, out _, out _, verifyChecksum: false));
        }
    }

    [Fact]
    public void Mutable_view_fills_the_checksum_with_the_pseudo_header()
    {
        var buffer = new byte[16];
        var view = new Icmpv6MutableView(buffer)
        {
            Type = Icmpv6Type.PacketTooBig,
            RestOfHeader = 1280,
        };
        view.FillChecksum(GoldenFrames.Ip6A, GoldenFrames.Ip6B);
        Assert.True(view.AsReadOnly().VerifyChecksum(GoldenFrames.Ip6A, GoldenFrames.Ip6B));
        Assert.False(view.AsReadOnly().VerifyChecksum(GoldenFrames.Ip6B, GoldenFrames.Ip6B));
        Assert.Equal(0, Icmpv6View.ComputeChecksum(buffer, GoldenFrames.Ip6A, GoldenFrames.Ip6B));
    }
}
