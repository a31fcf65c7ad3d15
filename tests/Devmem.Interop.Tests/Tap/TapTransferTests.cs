using Devmem.Interop.Tests.Support;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tests.Sockets;

namespace Devmem.Interop.Tests.Tap;

/// <summary>
/// Our engine on a TAP with TSO offloads, the kernel's TCP on the other side of it: the kernel hands over
/// 64 KiB GSO frames, our NIC splits each payload into device memory (steered flow) or host pages (the
/// rest), and the stream arrives byte for byte.
/// </summary>
public sealed class TapTransferTests(ITestOutputHelper output)
{
    private const int MiB = 1 << 20;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KernelClient_64MiB_SteeredIntoDeviceMemory_ByteExact(bool ipv6)
    {
        using TapEnvironment world = TapEnvironment.Create();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));
        byte[] data = NcdevmemPattern.Create(64 * MiB);

        TimeSpan elapsed = await KernelTransfers.KernelClientToEngineAsync(
            world.Namespace, world.Engine, ipv6, InteropEngine.SteeredPort, data, DevmemDataKind.DeviceMemory, seed: 1, deadline.Token);

        output.WriteLine($"{(ipv6 ? "IPv6" : "IPv4")} kernel -> engine over TAP, 64 MiB into device memory: {elapsed.TotalMilliseconds:F0} ms, "
            + $"{64 * 8 / 1024.0 / elapsed.TotalSeconds:F2} Gbit/s; {world.Tap.FramesReceived} frames in, {world.Tap.GsoFramesReceived} of them GSO");
        Assert.True(world.Tap.GsoFramesReceived > 0, "with TSO offloads on, the kernel should have sent GSO frames");
        world.DisposeAndAssertNoLeaks();
    }
}
