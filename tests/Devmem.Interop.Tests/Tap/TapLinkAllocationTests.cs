using Devmem.Interop.Tests.Support;
using Devmem.Stack.Link.Tap;

namespace Devmem.Interop.Tests.Tap;

/// <summary>The TAP data path (writev out, readv in) allocates nothing per frame.</summary>
public sealed class TapLinkAllocationTests
{
    [Fact]
    public void TransmitAndReceive_AllocateNothingPerFrame()
    {
        using InteropNamespace ns = InteropNamespace.Create();
        using TapLink tap = ns.Run(() => TapLink.Open(new TapLinkOptions { Name = "dmtapalloc" }));
        InteropEngine.ConfigureKernelSide(ns, tap.Name);

        long allocated = ArpRoundTrips.Measure(tap, roundTrips: 200, TestContext.Current.CancellationToken);

        Assert.Equal(0, allocated);
    }
}
