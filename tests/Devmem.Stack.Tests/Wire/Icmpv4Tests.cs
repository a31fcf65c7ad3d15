using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

public class Icmpv4Tests
{
    internal static readonly Gen<(Icmpv4Repr Repr, byte[] Payload)> ReprWithPayload =
        Gen.Select(Gen.Byte, Gen.Byte, Gen.UInt, Gen.Byte.Array[0, 1500], (type, code, rest, payload) => (new Icmpv4Repr
        {
            Type = (Icmpv4Type)type,
            Code = code,
            RestOfHeader = rest,
            PayloadLength = payload.Length,
        }, payload));

    /// <summary>The ICMP message of a captured frame (IPv4 without options).</summary>
    private static ReadOnlySpan<byte> Message(byte[] frame) => new Ipv4View(frame.AsSpan(EthernetView.HeaderLength)).Payload;

    [Fact]
    public void Captured_echo_request_parses()
    {
        var message = Message(GoldenFrames.Icmpv4EchoRequest);
        Assert.True(Icmpv4Repr.TryParse(message, out var repr, out var error));
        Assert.Equal(WireParseError.None, error);
        Assert.Equal(Icmpv4Repr.EchoRequest(3927, 1, 16), repr);
        Assert.Equal(3927, repr.Identifier);
        Assert.Equal(1, repr.SequenceNumber);
        Assert.True(repr.IsEcho);
        Assert.False(repr.IsError);
        var view = new Icmpv4View(message);
        Assert.Equal(0xB50C, view.Checksum);
        Assert.Equal(3927, view.Identifier);
        Assert.Equal(16, view.Payload.Length);
    }

    [Fact]
    public void Emit_reproduces_the_captured_request_and_our_reply_is_what_linux_sent()
    {
        var request = Message(GoldenFrames.Icmpv4EchoRequest);
        Assert.True(Icmpv4Repr.TryParse(request, out var repr, out _));
        var emitted = new byte[repr.BufferLength];
        Assert.Equal(24, repr.Emit(emitted, request.Slice(8)));
        Assert.Equal(request.ToArray(), emitted);

        var reply = new byte[repr.BufferLength];
        repr.ToEchoReply().Emit(reply, new Icmpv4View(request).Payload);
        Assert.Equal(Message(GoldenFrames.Icmpv4EchoReply).ToArray(), reply);
    }

    [Fact]
    public void An_echo_reply_can_be_built_in_place_over_the_request()
    {
        byte[] message = Message(GoldenFrames.Icmpv4EchoRequest).ToArray();
        Assert.True(Icmpv4Repr.TryParse(message, out var repr, out _));
        repr.ToEchoReply().Emit(message); // payload already in place: zero copy
        Assert.Equal(Message(GoldenFrames.Icmpv4EchoReply).ToArray(), message);
    }

    [Fact]
    public void Captured_port_unreachable_is_recognised_with_its_quote()
    {
        var message = Message(GoldenFrames.Icmpv4PortUnreachable);
        Assert.True(Icmpv4Repr.TryParse(message, out var repr, out _));
        Assert.Equal(Icmpv4Type.DestinationUnreachable, repr.Type);
        Assert.Equal((byte)Icmpv4UnreachableCode.PortUnreachable, repr.Code);
        Assert.True(repr.IsError);
        Assert.Equal(31, repr.PayloadLength);
        Assert.True(Ipv4Repr.TryParseQuoted(new Icmpv4View(message).Payload, out var quoted, out _));
        Assert.Equal(IpProtocol.Udp, quoted.Protocol);
        var emitted = new byte[repr.BufferLength];
        Icmpv4Repr.DestinationUnreachable(Icmpv4UnreachableCode.PortUnreachable, 31).Emit(emitted, message.Slice(8));
        Assert.Equal(message.ToArray(), emitted);
    }

    [Fact]
    public void Time_exceeded_and_fragmentation_needed_are_recognised()
    {
        var timeExceeded = new Icmpv4Repr { Type = Icmpv4Type.TimeExceeded, PayloadLength = 28 };
        var buffer = new byte[timeExceeded.BufferLength];
        timeExceeded.Emit(buffer);
        Assert.True(Icmpv4Repr.TryParse(buffer, out var parsed, out _));
        Assert.True(parsed.IsError);
        Assert.Equal(Icmpv4Type.TimeExceeded, parsed.Type);

        var tooBig = Icmpv4Repr.DestinationUnreachable(Icmpv4UnreachableCode.FragmentationNeeded, 28, nextHopMtu: 1280);
        tooBig.Emit(buffer);
        Assert.True(Icmpv4Repr.TryParse(buffer, out parsed, out _));
        Assert.Equal(1280, parsed.NextHopMtu);
    }

    [Fact]
    public void Parse_of_emit_is_identity()
    {
        ReprWithPayload.Sample(t =>
        {
            var buffer = new byte[t.Repr.BufferLength];
            Assert.Equal(t.Repr.BufferLength, t.Repr.Emit(buffer, t.Payload));
            Assert.True(Icmpv4Repr.TryParse(buffer, out var parsed, out var error), error.ToString());
            Assert.Equal(t.Repr, parsed);
            Assert.Equal(t.Payload, new Icmpv4View(buffer).Payload.ToArray());
            Assert.Equal(0, InternetChecksum.Compute(buffer));
        }, iter: WireGen.Iterations);
    }

    [Fact]
    public void Truncation_and_bad_checksums_are_reported()
    {
        var message = Message(GoldenFrames.Icmpv4EchoRequest).ToArray();
        for (int length = 0; length < 8; length++)
        {
            Assert.False(Icmpv4Repr.TryParse(message.AsSpan(0, length), out _, out var error));
            Assert.Equal(WireParseError.Truncated, error);
        }
        for (int length = 8; length < message.Length; length++)
        {
            if (!message.AsSpan(length).ContainsAnyExcept((byte)0))
            {
                continue; // dropping trailing zero bytes leaves the sum unchanged (no length in ICMPv4's checksum)
            }
            Assert.False(Icmpv4Repr.TryParse(message.AsSpan(0, length), out _, out var error));
            Assert.Equal(WireParseError.BadChecksum, error);
            Assert.True(Icmpv4Repr.TryParse(message.AsSpan(0, length), out var repr, out _, verifyChecksum: false));
            Assert.Equal(length - 8, repr.PayloadLength);
        }
        message[^1] ^= 0x01;
        Assert.False(Icmpv4Repr.TryParse(message, out _, out var flipped));
        Assert.Equal(WireParseError.BadChecksum, flipped);
    }

    [Fact]
    public void Emit_checks_the_payload_length_and_buffer()
    {
        var repr = Icmpv4Repr.EchoRequest(1, 2, 4);
        Assert.Throws<ArgumentException>(() => repr.Emit(new byte[12], new byte[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => repr.Emit(new byte[11]));
    }

    [Fact]
    public void Mutable_view_sets_fields_and_fills_the_checksum()
    {
        var buffer = new byte[12];
        var view = new Icmpv4MutableView(buffer)
        {
            Type = Icmpv4Type.EchoRequest,
            Identifier = 0x1234,
            SequenceNumber = 0x5678,
        };
        view.Payload.Fill(0xAB);
        view.FillChecksum();
        Icmpv4View ro = view;
        Assert.True(ro.VerifyChecksum());
        Assert.Equal(0x1234_5678u, ro.RestOfHeader);
    }
}
