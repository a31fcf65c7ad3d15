using Devmem.Interop.Tests.Support;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tests.Sockets;

namespace Devmem.Interop.Tests.AfPacket;

/// <summary>
/// Our engine on one end of a veth pair through AF_PACKET with TPACKET_V3 rings, the kernel's TCP on the
/// other end in another namespace: the stream arrives byte for byte in device memory, and an echo comes back.
/// </summary>
public sealed class AfPacketTransferTests(ITestOutputHelper output)
{
    private const int MiB = 1 << 20;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KernelClientAcrossVeth_64MiB_SteeredIntoDeviceMemory_ByteExact(bool ipv6)
    {
        using VethEnvironment world = VethEnvironment.Create();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));
        byte[] data = NcdevmemPattern.Create(64 * MiB);

        TimeSpan elapsed = await KernelTransfers.KernelClientToEngineAsync(
            world.KernelSide, world.Engine, ipv6, InteropEngine.SteeredPort, data, DevmemDataKind.DeviceMemory, seed: 6, deadline.Token);

        output.WriteLine($"{(ipv6 ? "IPv6" : "IPv4")} kernel -> engine over veth + AF_PACKET, 64 MiB into device memory: {elapsed.TotalMilliseconds:F0} ms, "
            + $"{64 * 8 / 1024.0 / elapsed.TotalSeconds:F2} Gbit/s; {world.Link.FramesReceived} frames in, {world.Link.TruncatedFrames} truncated, "
            + $"{world.Link.FramesTransmitted} out, {world.Link.TransmitDrops} dropped");
        Assert.Equal(0, world.Link.TruncatedFrames);
        world.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task EngineClientAcrossVeth_EchoSweep_ComesBackInDeviceMemory()
    {
        using VethEnvironment world = VethEnvironment.Create();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));

        TimeSpan elapsed = await EngineEchoClient.SweepAsync(world.KernelSide, world.Engine, ipv6: false, maxSize: 1024, deadline.Token);

        output.WriteLine($"1024 echoes of 1..1024 bytes over veth + AF_PACKET in {elapsed.TotalMilliseconds:F0} ms");
        world.DisposeAndAssertNoLeaks();
    }
}
