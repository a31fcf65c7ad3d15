using Devmem.Stack.Sockets;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// What a TAP with offloads hands the engine, without a TAP: frames far past the MTU (one large TCP segment
/// each, longer than the MSS we announced) whose TCP checksum is only the pseudo-header sum, each with a
/// virtio-net header saying NEEDS_CSUM and GSO. The link passes the header along, the NIC trusts it, IP takes
/// the long packet and TCP the long segment, and the stream arrives byte for byte in device memory.
/// </summary>
public sealed class EngineGsoReceiveTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GsoFramesWithPartialChecksums_AreAcceptedThroughNicIpAndTcp(bool ipv6)
    {
        GsoCoalescingLink? gso = null;
        using var pair = new EnginePair(ipv6, EnginePair.WireFrames, linkOfB: link => gso = new GsoCoalescingLink(link));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        byte[] data = NcdevmemPattern.Create(8 << 20);

        using EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort);
        Task<EngineTcpSocket> accepting = listener.AcceptAsync(deadline.Token).AsTask();
        using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), deadline.Token);
        using EngineTcpSocket server = await accepting;
        Task<long> reading = Task.Run(() => DevmemStreamReader.ReadToEndAsync(server, pair.DmaBuf, DevmemDataKind.DeviceMemory, deadline.Token), deadline.Token);
        await client.SendAsync(data, deadline.Token);
        client.ShutdownSend();
        Assert.Equal(data.Length, await reading);

        output.WriteLine($"{gso!.GsoFrames} GSO frames, the longest {gso.LongestFrame} bytes");
        Assert.True(gso.GsoFrames > 0, "the coalescing link should have merged segments");
        Assert.True(gso.LongestFrame > 1514, "a merged frame should exceed the 1500-byte MTU");
        server.ShutdownSend();
        await client.Closed.WaitAsync(deadline.Token);
        await server.Closed.WaitAsync(deadline.Token);
        pair.DisposeAndAssertNoLeaks();
    }
}
