using Devmem.Interop.Tests.Support;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tests.Sockets;

namespace Devmem.Interop.Tests.Tap;

/// <summary>
/// The kernel's TCP sending into our devmem receive through real loss on its side (a router namespace dropping
/// at random) and reordering on ours (the fault injector on the TAP): our reassembly, SACKs and window have to
/// carry the kernel's recovery, and the stream must still arrive byte for byte in device memory.
/// </summary>
public sealed class TapFaultTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KernelClient_64MiB_ThroughRouterLossAndOurReordering_ByteExactInDeviceMemory(bool ipv6)
    {
        var reorder = new FaultInjectorOptions { Seed = ipv6 ? 12 : 11, ReorderRate = 0.02, ReorderDistance = 3, HoldCapacity = 64 };
        using RoutedLossyTapEnvironment world = RoutedLossyTapEnvironment.Create(reorder);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(240));
        byte[] data = NcdevmemPattern.Create(64 << 20);

        TimeSpan elapsed = await KernelTransfers.KernelClientToEngineAsync(
            world.Client, world.Tap.Engine, ipv6, InteropEngine.SteeredPort, data, DevmemDataKind.DeviceMemory, seed: 8, deadline.Token);

        FaultInjector faults = world.Faults.ReceiveFaults!;
        long routerDrops = world.RouterDrops();
        output.WriteLine($"{(ipv6 ? "IPv6" : "IPv4")}: 64 MiB in {elapsed.TotalMilliseconds:F0} ms ({64 * 8 / 1024.0 / elapsed.TotalSeconds:F2} Gbit/s); "
            + $"router dropped {routerDrops} packets, we reordered {faults.Reordered} of {faults.Frames} frames; "
            + $"{world.Faults.ReceiveQueue!.TailDrops} tail drops after the injector");
        Assert.True(routerDrops > 0, "the router's nftables rule dropped nothing: the loss path was not exercised");
        Assert.True(faults.Reordered > 0, "the fault injector reordered nothing");
        Assert.Equal(0, world.Faults.OffloadFramesDropped);
        world.DisposeAndAssertNoLeaks();
    }
}
