using CsCheck;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Wire;

public class EthernetTests
{
    internal static readonly Gen<EthernetRepr> Repr = Gen.Select(WireGen.Mac, WireGen.Mac, Gen.UShort, Gen.Bool, Gen.UShort)
        .Where((_, _, type, tagged, _) => tagged || type != (ushort)EtherType.Vlan)
        .Select((dst, src, type, tagged, tci) => new EthernetRepr
        {
            Destination = dst,
            Source = src,
            EtherType = (EtherType)type,
            HasVlanTag = tagged,
            VlanTci = tagged ? tci : (ushort)0,
        });

    [Fact]
    public void Parse_of_emit_is_identity()
    {
        Repr.Sample(repr =>
        {
            var buffer = new byte[repr.BufferLength + 4];
            Assert.Equal(repr.HeaderLength, repr.Emit(buffer));
            Assert.True(EthernetRepr.TryParse(buffer, out var parsed, out var error));
            Assert.Equal(WireParseError.None, error);
            Assert.Equal(repr, parsed);
            Assert.Equal(4, new EthernetView(buffer).Payload.Length);
        }, iter: WireGen.Iterations);
    }

    [Fact]
    public void A_vlan_tag_is_recognised_and_reported()
    {
        // 802.1Q tag: PCP 5, DEI 0, VID 100, then IPv4.
        byte[] frame = Convert.FromHexString("02000000000b02000000000a" + "8100" + "a064" + "0800" + "4500");
        Assert.True(EthernetRepr.TryParse(frame, out var repr, out _));
        Assert.True(repr.HasVlanTag);
        Assert.Equal(100, repr.VlanId);
        Assert.Equal(5, repr.VlanPriority);
        Assert.Equal(EtherType.Ipv4, repr.EtherType);
        Assert.Equal(18, repr.HeaderLength);
        var view = new EthernetView(frame);
        Assert.Equal(EtherType.Vlan, view.OuterEtherType);
        Assert.Equal(2, view.Payload.Length);
    }

    [Fact]
    public void Truncation_at_every_length_is_reported_without_exception()
    {
        byte[] untagged = GoldenFrames.ArpRequest.AsSpan(0, 14).ToArray();
        for (int length = 0; length < 14; length++)
        {
            Assert.False(EthernetRepr.TryParse(untagged.AsSpan(0, length), out _, out var error));
            Assert.Equal(WireParseError.Truncated, error);
        }
        byte[] tagged = Convert.FromHexString("02000000000b02000000000a8100a0640800");
        for (int length = 0; length < 18; length++)
        {
            Assert.False(EthernetRepr.TryParse(tagged.AsSpan(0, length), out _, out var error));
            Assert.Equal(WireParseError.Truncated, error);
        }
        Assert.True(EthernetRepr.TryParse(tagged, out _, out _));
    }

    [Fact]
    public void Mutable_view_writes_in_place_and_converts_to_the_read_only_view()
    {
        var buffer = new byte[18];
        var mutable = new EthernetMutableView(buffer)
        {
            Destination = MacAddress.Broadcast,
            Source = GoldenFrames.MacA,
            EtherType = EtherType.Arp,
        };
        Assert.Equal(GoldenFrames.ArpRequest.AsSpan(0, 14).ToArray(), buffer.AsSpan(0, 14).ToArray());
        mutable.OuterEtherType = EtherType.Vlan;
        mutable.VlanTci = 0x0064;
        mutable.EtherType = EtherType.Ipv6;
        EthernetView view = mutable;
        Assert.True(view.HasVlanTag);
        Assert.Equal(EtherType.Ipv6, view.EtherType);
        Assert.Equal(0x0064, view.VlanTci);
        Assert.Equal(18, view.Length);
        Assert.Equal(0, mutable.Payload.Length);
    }

    [Fact]
    public void Emit_refuses_a_short_buffer_and_an_untagged_vlan_ethertype()
    {
        var repr = new EthernetRepr { EtherType = EtherType.Ipv4 };
        Assert.Throws<ArgumentOutOfRangeException>(() => repr.Emit(new byte[13]));
        Assert.Throws<InvalidOperationException>(() => (repr with { EtherType = EtherType.Vlan }).Emit(new byte[14]));
    }
}
