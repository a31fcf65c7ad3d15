using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Tests.Wire;

namespace Devmem.Stack.Tests.Ip;

/// <summary>
/// Hosts A and B joined by a <see cref="MemoryLink"/>, driven as an engine loop drives them: each
/// interface writes into its own batch, the batch is transmitted, the peer receives a batch and
/// hands each frame to its interface. Allocates nothing after construction.
/// </summary>
internal sealed class LinkedHosts : IDisposable
{
    private readonly FrameBatch _received;

    public LinkedHosts(MemoryLinkOptions? options = null)
    {
        Link = new MemoryLink(options);
        A = Hosts.A();
        B = Hosts.B();
        OutA = new FrameBatch(64, A.MaxFrameLength);
        OutB = new FrameBatch(64, B.MaxFrameLength);
        _received = new FrameBatch(64, Link.A.MaxFrameLength);
    }

    public MemoryLink Link { get; }

    public IpInterface A { get; }

    public IpInterface B { get; }

    /// <summary>Where A's output goes until the next <see cref="Run"/>.</summary>
    public FrameBatch OutA { get; }

    /// <summary>Where B's output goes until the next <see cref="Run"/>.</summary>
    public FrameBatch OutB { get; }

    /// <summary>The time given to both interfaces, in microseconds.</summary>
    public long Now { get; set; }

    /// <summary>Moves frames both ways until neither host has anything left to say.</summary>
    public void Run()
    {
        bool moved;
        do
        {
            moved = Transmit(Link.A, OutA) | Transmit(Link.B, OutB);
            moved |= Deliver(Link.B, B, OutB) | Deliver(Link.A, A, OutA);
        }
        while (moved);
    }

    /// <summary>Teaches each host the other's MAC without any frame on the link (so faults cannot touch resolution).</summary>
    public void Introduce()
    {
        A.Feed(Now, GoldenFrames.ArpReply, GoldenFrames.NeighborAdvertisement);
        B.Feed(Now, GoldenFrames.ArpRequest, GoldenFrames.NeighborSolicitation);
    }

    public void Dispose() => Link.Dispose();

    private static bool Transmit(MemoryLinkEndpoint endpoint, FrameBatch output)
    {
        if (output.Count == 0)
        {
            return false;
        }
        endpoint.Transmit(output);
        output.Clear();
        return true;
    }

    private bool Deliver(MemoryLinkEndpoint endpoint, IpInterface host, FrameBatch output)
    {
        _received.Clear();
        int count = endpoint.Receive(_received);
        for (int i = 0; i < count; i++)
        {
            host.Receive(_received[i], Now, output);
        }
        return count > 0;
    }
}

/// <summary>An ICMP and ICMPv6 upper layer that counts echo replies (and allocates nothing).</summary>
internal sealed class EchoReplyCounter : IIpUpperLayer
{
    public int Replies { get; private set; }

    public int LastSequence { get; private set; } = -1;

    public void Receive(in IpPacketInfo packet, ReadOnlySpan<byte> frame, long now)
    {
        var message = packet.GetPayload(frame);
        byte echoReply = packet.Version == IpVersion.V4 ? (byte)0 : (byte)129;
        if (message[0] == echoReply)
        {
            Replies++;
            LastSequence = (message[6] << 8) | message[7];
        }
    }
}
