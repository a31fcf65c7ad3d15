using Devmem.Interop.Tests.Support;
using Devmem.Stack.Nic;
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
        using var deadline = Deadline(TimeSpan.FromSeconds(120));
        byte[] data = NcdevmemPattern.Create(64 * MiB);

        TimeSpan elapsed = await KernelTransfers.KernelClientToEngineAsync(
            world.Namespace, world.Engine, ipv6, InteropEngine.SteeredPort, data, DevmemDataKind.DeviceMemory, seed: 1, deadline.Token);

        output.WriteLine($"{Family(ipv6)} kernel -> engine over TAP, 64 MiB into device memory: {elapsed.TotalMilliseconds:F0} ms, "
            + $"{64 * 8 / 1024.0 / elapsed.TotalSeconds:F2} Gbit/s; {world.Tap.FramesReceived} frames in, {world.Tap.GsoFramesReceived} of them GSO");
        Assert.True(world.Tap.GsoFramesReceived > 0, "with TSO offloads on, the kernel should have sent GSO frames");

        // The kernel wrote the payload straight into device memory: all but the first data frame (read into the
        // buffers of a guessed queue) needed no copy by the NIC.
        NicQueueStats stats = world.Engine.QueueStats(InteropEngine.DevmemQueue);
        output.WriteLine($"queue {InteropEngine.DevmemQueue}: {stats.SplitPackets} split, {stats.SourceSplitPackets} of them at the source");
        Assert.InRange(stats.SourceSplitPackets, stats.SplitPackets - 1, stats.SplitPackets);
        world.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task KernelClient_256MiB_TokensOnly_PrintsThroughput()
    {
        using TapEnvironment world = TapEnvironment.Create();
        using var deadline = Deadline(TimeSpan.FromSeconds(120));
        byte[] data = NcdevmemPattern.Create(256 * MiB);

        TimeSpan elapsed = await KernelTransfers.KernelClientToEngineAsync(
            world.Namespace, world.Engine, ipv6: false, InteropEngine.SteeredPort, data, DevmemDataKind.DeviceMemory, seed: 7, deadline.Token, verifyBytes: false);

        output.WriteLine($"IPv4 kernel -> engine over TAP, 256 MiB into device memory, tokens only: {elapsed.TotalMilliseconds:F0} ms, "
            + $"{256 * 8 / 1024.0 / elapsed.TotalSeconds:F2} Gbit/s; {world.Tap.FramesReceived} frames in, {world.Tap.FramesTransmitted} out");
        world.DisposeAndAssertNoLeaks();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KernelClients_SteeredFlowArrivesAsDeviceMemory_UnsteeredAsReadableData(bool ipv6)
    {
        using TapEnvironment world = TapEnvironment.Create();
        using var deadline = Deadline(TimeSpan.FromSeconds(120));
        byte[] data = NcdevmemPattern.Create(16 * MiB);

        Task<TimeSpan> steered = KernelTransfers.KernelClientToEngineAsync(
            world.Namespace, world.Engine, ipv6, InteropEngine.SteeredPort, data, DevmemDataKind.DeviceMemory, seed: 2, deadline.Token);
        Task<TimeSpan> unsteered = KernelTransfers.KernelClientToEngineAsync(
            world.Namespace, world.Engine, ipv6, InteropEngine.UnsteeredPort, data.AsMemory(0, 4 * MiB), DevmemDataKind.Readable, seed: 3, deadline.Token);
        await Task.WhenAll(steered, unsteered);

        output.WriteLine($"{Family(ipv6)}: 16 MiB steered in {(await steered).TotalMilliseconds:F0} ms beside 4 MiB unsteered in {(await unsteered).TotalMilliseconds:F0} ms");
        world.DisposeAndAssertNoLeaks();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EngineClient_EchoSweep1To8192Bytes_ComesBackInDeviceMemoryWithNoLinearFragments(bool ipv6)
    {
        using TapEnvironment world = TapEnvironment.Create();
        using var deadline = Deadline(TimeSpan.FromSeconds(240));

        TimeSpan elapsed = await EngineEchoClient.SweepAsync(world.Namespace, world.Engine, ipv6, maxSize: 8192, deadline.Token);

        output.WriteLine($"{Family(ipv6)}: 8192 echoes of 1..8192 bytes through the kernel in {elapsed.TotalMilliseconds:F0} ms");
        world.DisposeAndAssertNoLeaks();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EngineClient_64MiB_ToTheKernel_InGsoFrames_ByteExact(bool ipv6)
    {
        using TapEnvironment world = TapEnvironment.Create();
        using var deadline = Deadline(TimeSpan.FromSeconds(120));
        byte[] data = NcdevmemPattern.Create(64 * MiB);

        TimeSpan elapsed = await KernelTransfers.EngineClientToKernelAsync(world.Namespace, world.Engine, ipv6, port: 5301, data, seed: 5, deadline.Token);

        output.WriteLine($"{Family(ipv6)} engine -> kernel over TAP, 64 MiB: {elapsed.TotalMilliseconds:F0} ms, {64 * 8 / 1024.0 / elapsed.TotalSeconds:F2} Gbit/s; "
            + $"{world.Tap.FramesTransmitted} frames out, {world.Tap.GsoFramesTransmitted} of them GSO, {world.Tap.TransmitDrops} refused");

        // The kernel took the engine's GSO frames whole (a refused one would show as a drop and a retransmission).
        Assert.True(world.Tap.GsoFramesTransmitted > 0);
        Assert.True(world.Tap.FramesTransmitted < 64 * MiB / 1460 / 4, $"{world.Tap.FramesTransmitted} frames for 64 MiB");
        Assert.Equal(0, world.Tap.TransmitDrops);
        world.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task WithoutOffloads_EngineSendsMtuFrames_StillByteExact()
    {
        using TapEnvironment world = TapEnvironment.Create(new Stack.Link.Tap.TapLinkOptions { Name = TapEnvironment.Device, Offloads = false });
        using var deadline = Deadline(TimeSpan.FromSeconds(120));
        byte[] data = NcdevmemPattern.Create(4 * MiB);

        await KernelTransfers.EngineClientToKernelAsync(world.Namespace, world.Engine, ipv6: false, port: 5301, data, seed: 6, deadline.Token);

        Assert.Equal(0, world.Tap.GsoFramesTransmitted);
        Assert.True(world.Tap.FramesTransmitted > 4 * MiB / 1460);
        world.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task WithoutOffloads_KernelSendsMtuFrames_StillByteExact()
    {
        using TapEnvironment world = TapEnvironment.Create(new Stack.Link.Tap.TapLinkOptions { Name = TapEnvironment.Device, Offloads = false });
        using var deadline = Deadline(TimeSpan.FromSeconds(120));
        byte[] data = NcdevmemPattern.Create(8 * MiB);

        TimeSpan elapsed = await KernelTransfers.KernelClientToEngineAsync(
            world.Namespace, world.Engine, ipv6: false, InteropEngine.SteeredPort, data, DevmemDataKind.DeviceMemory, seed: 4, deadline.Token);

        output.WriteLine($"kernel -> engine over TAP without offloads, 8 MiB: {elapsed.TotalMilliseconds:F0} ms; {world.Tap.FramesReceived} frames in");
        Assert.Equal(0, world.Tap.GsoFramesReceived);
        world.DisposeAndAssertNoLeaks();
    }

    private static CancellationTokenSource Deadline(TimeSpan timeout)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        return deadline;
    }

    private static string Family(bool ipv6) => ipv6 ? "IPv6" : "IPv4";
}
