using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Tests.Wire;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Ip;

/// <summary>
/// The two hosts of the captured golden frames: A (02:00:00:00:00:0a, 10.99.0.1/24, fd00:99::1/64) and
/// B (…:0b, 10.99.0.2/24, fd00:99::2/64), so that frames Linux exchanged between them are the
/// inputs and expected outputs of the interface. Time is in microseconds.
/// </summary>
internal static class Hosts
{
    public const long Second = 1_000_000;

    public static IpInterfaceOptions OptionsA => new()
    {
        MacAddress = GoldenFrames.MacA,
        Ipv4 = new Ipv4InterfaceAddress(GoldenFrames.Ip4A, 24),
        Ipv6Addresses = [new Ipv6InterfaceAddress(GoldenFrames.Ip6A, 64)],
    };

    public static IpInterfaceOptions OptionsB => OptionsA with
    {
        MacAddress = GoldenFrames.MacB,
        Ipv4 = new Ipv4InterfaceAddress(GoldenFrames.Ip4B, 24),
        Ipv6Addresses = [new Ipv6InterfaceAddress(GoldenFrames.Ip6B, 64)],
    };

    public static IpInterface A(Func<IpInterfaceOptions, IpInterfaceOptions>? configure = null) =>
        new(configure is null ? OptionsA : configure(OptionsA));

    public static IpInterface B(Func<IpInterfaceOptions, IpInterfaceOptions>? configure = null) =>
        new(configure is null ? OptionsB : configure(OptionsB));

    /// <summary>A sink for one test step's output frames.</summary>
    public static FrameBatch Sink(int capacity = 32) => new(capacity, 1514);

    /// <summary>The frames in a sink, copied; the sink is cleared.</summary>
    public static List<byte[]> Take(this FrameBatch sink)
    {
        var frames = new List<byte[]>(sink.Count);
        for (int i = 0; i < sink.Count; i++)
        {
            frames.Add(sink[i].ToArray());
        }
        sink.Clear();
        return frames;
    }

    /// <summary>Sends <paramref name="bytes"/> as the payload of <paramref name="protocol"/> to <paramref name="destination"/>.</summary>
    public static IpSendResult SendBytes(this IpInterface host, IpAddress destination, ReadOnlySpan<byte> bytes, FrameBatch sink, long now,
        IpProtocol protocol = (IpProtocol)253) =>
        host.Send(new IpSendRequest { Destination = destination, Protocol = protocol }, new BytesPayload(bytes), sink, now);

    /// <summary>Hands every frame to <paramref name="host"/> and returns what it emitted.</summary>
    public static List<byte[]> Feed(this IpInterface host, long now, params byte[][] frames)
    {
        var sink = Sink();
        foreach (var frame in frames)
        {
            host.Receive(frame, now, sink);
        }
        return sink.Take();
    }

    /// <summary>
    /// Host A with B's link-layer address for <paramref name="destination"/>'s family in its neighbour cache: one
    /// datagram queued for resolution, then B's golden answer fed in.
    /// </summary>
    public static IpInterface AWithNeighbor(IpAddress destination)
    {
        IpInterface host = A();
        var request = new IpSendRequest { Destination = destination, Protocol = (IpProtocol)253 };
        Assert.Equal(IpSendResult.Queued, host.Send(request, new BytesPayload([1]), Sink(), 0));
        host.Feed(0, destination.Version == IpVersion.V4 ? GoldenFrames.ArpReply : GoldenFrames.NeighborAdvertisement);
        return host;
    }

    public static void AssertNoDrops(this IpInterface host) => Assert.Equal(0, host.Counters.TotalDrops);

    /// <summary>Exactly one drop, for <paramref name="reason"/>.</summary>
    public static void AssertDropped(this IpInterface host, IpDropReason reason, long count = 1)
    {
        Assert.Equal(count, host.Counters[reason]);
        Assert.Equal(count, host.Counters.TotalDrops);
    }
}

/// <summary>An upper-layer payload given as bytes (a stand-in for a datagram whose checksum the test does not care about).</summary>
internal readonly ref struct BytesPayload(ReadOnlySpan<byte> bytes) : IIpPayloadWriter
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    public int Length => _bytes.Length;

    public void Write(Span<byte> destination, in IpPacketInfo packet) => _bytes.CopyTo(destination);
}

/// <summary>An upper layer that keeps what it is given.</summary>
internal sealed class RecordingUpperLayer : IIpUpperLayer
{
    public List<(IpPacketInfo Packet, byte[] Frame)> Received { get; } = [];

    public void Receive(in IpPacketInfo packet, ReadOnlySpan<byte> frame, long now) => Received.Add((packet, frame.ToArray()));
}
