using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

public class ArpTests
{
    internal static readonly Gen<ArpRepr> Repr = Gen.Select(Gen.Bool, WireGen.Mac, WireGen.Ip4, WireGen.Mac, WireGen.Ip4,
        (reply, sha, spa, tha, tpa) => new ArpRepr
        {
            Operation = reply ? ArpOperation.Reply : ArpOperation.Request,
            SenderHardwareAddress = sha,
            SenderProtocolAddress = spa,
            TargetHardwareAddress = tha,
            TargetProtocolAddress = tpa,
        });

    [Fact]
    public void Captured_request_parses()
    {
        Assert.True(ArpRepr.TryParse(GoldenFrames.ArpRequest.AsSpan(14), out var repr, out var error));
        Assert.Equal(WireParseError.None, error);
        Assert.Equal(ArpRepr.Request(GoldenFrames.MacA, GoldenFrames.Ip4A, GoldenFrames.Ip4B), repr);
    }

    [Fact]
    public void Captured_reply_parses_and_is_what_we_would_answer()
    {
        Assert.True(ArpRepr.TryParse(GoldenFrames.ArpReply.AsSpan(14), out var reply, out _));
        Assert.Equal(ArpOperation.Reply, reply.Operation);
        Assert.Equal(GoldenFrames.MacB, reply.SenderHardwareAddress);
        Assert.Equal(GoldenFrames.Ip4B, reply.SenderProtocolAddress);
        Assert.Equal(GoldenFrames.MacA, reply.TargetHardwareAddress);
        Assert.Equal(GoldenFrames.Ip4A, reply.TargetProtocolAddress);

        Assert.True(ArpRepr.TryParse(GoldenFrames.ArpRequest.AsSpan(14), out var request, out _));
        var ours = request.ReplyFrom(GoldenFrames.MacB);
        Assert.Equal(reply, ours);
        var bytes = new byte[28];
        ours.Emit(bytes);
        Assert.Equal(GoldenFrames.ArpReply.AsSpan(14).ToArray(), bytes);
    }

    [Fact]
    public void Emit_reproduces_the_captured_request_byte_for_byte()
    {
        var bytes = new byte[28];
        Assert.Equal(28, ArpRepr.Request(GoldenFrames.MacA, GoldenFrames.Ip4A, GoldenFrames.Ip4B).Emit(bytes));
        Assert.Equal(GoldenFrames.ArpRequest.AsSpan(14).ToArray(), bytes);
    }

    [Fact]
    public void Parse_of_emit_is_identity()
    {
        Repr.Sample(repr =>
        {
            var buffer = new byte[repr.BufferLength + 18]; // with Ethernet minimum-frame padding
            Assert.Equal(28, repr.Emit(buffer));
            Assert.True(ArpRepr.TryParse(buffer, out var parsed, out _));
            Assert.Equal(repr, parsed);
        }, iter: WireGen.Iterations);
    }

    public static TheoryData<int, byte, WireParseError> Corruptions => new()
    {
        { 1, 6, WireParseError.UnknownProtocol },     // hardware type 6 (IEEE 802)
        { 2, 0x86, WireParseError.UnknownProtocol },  // protocol type 0x86DD
        { 4, 8, WireParseError.Malformed },           // hlen 8
        { 5, 16, WireParseError.Malformed },          // plen 16
        { 7, 3, WireParseError.UnknownProtocol },     // RARP request
        { 7, 0, WireParseError.UnknownProtocol },     // opcode 0
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Malformed_fields_are_rejected(int offset, byte value, WireParseError expected)
    {
        byte[] packet = GoldenFrames.ArpRequest.AsSpan(14).ToArray();
        packet[offset] = value;
        Assert.False(ArpRepr.TryParse(packet, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Truncation_at_every_length_is_reported()
    {
        var packet = GoldenFrames.ArpRequest.AsSpan(14).ToArray();
        for (int length = 0; length < 28; length++)
        {
            Assert.False(ArpRepr.TryParse(packet.AsSpan(0, length), out _, out var error));
            Assert.Equal(WireParseError.Truncated, error);
        }
    }
}
