using Devmem.Interop.Tests.Support;
using Devmem.Stack.Link.Packet;

namespace Devmem.Interop.Tests.AfPacket;

/// <summary>The AF_PACKET data path (TX ring slots and one send, RX blocks read in place) allocates nothing per frame.</summary>
public sealed class AfPacketLinkAllocationTests
{
    [Fact]
    public void TransmitAndReceive_AllocateNothingPerFrame()
    {
        using InteropNamespace kernel = InteropNamespace.Create();
        using InteropNamespace engine = InteropNamespace.Create();
        kernel.Ip("link", "add", VethEnvironment.KernelEnd, "type", "veth", "peer", "name", VethEnvironment.EngineEnd, "netns", engine.Name);
        InteropEngine.ConfigureKernelSide(kernel, VethEnvironment.KernelEnd);
        engine.Ip("link", "set", VethEnvironment.EngineEnd, "up");
        using AfPacketLink link = engine.Run(() => AfPacketLink.Open(VethEnvironment.EngineEnd));

        long allocated = ArpRoundTrips.Measure(link, roundTrips: 100, TestContext.Current.CancellationToken);

        Assert.Equal(0, allocated);
    }
}
