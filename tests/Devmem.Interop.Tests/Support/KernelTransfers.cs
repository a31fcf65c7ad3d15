using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tests.Sockets;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// The traffic of the interop tests, with the Linux kernel's TCP as the peer: its sockets are created on a
/// thread inside the test's namespace, then used from anywhere.
/// </summary>
internal static class KernelTransfers
{
    /// <summary>
    /// A kernel client connects to our listener on <paramref name="port"/> and writes ncdevmem's stream in
    /// random-sized writes; we read it to the end through the typed devmem receive, every byte checked where it
    /// lies and every receive of <paramref name="kind"/>; then we close our side and the kernel sees the end.
    /// Returns the time from the first write to our end of stream.
    /// </summary>
    /// <param name="ns">Where the kernel client's socket is made.</param>
    /// <param name="engine">Our engine and its dma-buf.</param>
    /// <param name="ipv6">Connect over IPv6 instead of IPv4.</param>
    /// <param name="port">Our listener's port (steered or not).</param>
    /// <param name="data">What the kernel writes.</param>
    /// <param name="kind">What every receive must be.</param>
    /// <param name="seed">The write sizes' seed.</param>
    /// <param name="cancellationToken">The test's deadline.</param>
    /// <param name="verifyBytes">False: return tokens without reading the bytes (a throughput figure), count only.</param>
    public static async Task<TimeSpan> KernelClientToEngineAsync(
        InteropNamespace ns, InteropEngine engine, bool ipv6, ushort port, ReadOnlyMemory<byte> data, DevmemDataKind kind, int seed,
        CancellationToken cancellationToken, bool verifyBytes = true)
    {
        using EngineTcpListener listener = engine.Engine.Listen(port);
        using Socket client = ns.Run(() => new Socket(ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        await client.ConnectAsync(new IPEndPoint(InteropEngine.EngineAddress(ipv6), port), cancellationToken);
        using EngineTcpSocket server = await accepting;

        var clock = Stopwatch.StartNew();
        Task<long> reading = Task.Run(
            () => verifyBytes ? DevmemStreamReader.ReadToEndAsync(server, engine.DmaBuf, kind, cancellationToken) : TokenOnlyReader.ReadToEndAsync(server, cancellationToken),
            cancellationToken);
        var random = new Random(seed);
        for (int sent = 0; sent < data.Length;)
        {
            int length = Math.Min(random.Next(1, 256 * 1024), data.Length - sent);
            sent += await client.SendAsync(data.Slice(sent, length), SocketFlags.None, cancellationToken);
        }

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(data.Length, await reading);
        TimeSpan elapsed = clock.Elapsed;

        server.ShutdownSend();
        Assert.Equal(0, await client.ReceiveAsync(new byte[1], SocketFlags.None, cancellationToken));
        await server.Closed.WaitAsync(cancellationToken);
        return elapsed;
    }

    /// <summary>
    /// The other direction: our engine connects to a kernel listener on <paramref name="port"/> and writes
    /// <paramref name="data"/> in random-sized writes; the kernel reads it to the end and every byte is compared;
    /// then the kernel closes and we see the end. Returns the time from the first write to the kernel's end of stream.
    /// </summary>
    public static async Task<TimeSpan> EngineClientToKernelAsync(
        InteropNamespace ns, InteropEngine engine, bool ipv6, ushort port, ReadOnlyMemory<byte> data, int seed, CancellationToken cancellationToken)
    {
        IPAddress address = InteropEngine.KernelAddress(ipv6);
        using Socket listener = ns.Run(() => new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        listener.Bind(new IPEndPoint(address, port));
        listener.Listen(1);
        Task<Socket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        using EngineTcpSocket client = await engine.Engine.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
        using Socket server = await accepting;

        var clock = Stopwatch.StartNew();
        Task<long> reading = Task.Run(async () =>
        {
            var buffer = new byte[256 * 1024];
            long received = 0;
            int read;
            while ((read = await server.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
            {
                Assert.True(buffer.AsSpan(0, read).SequenceEqual(data.Span.Slice((int)received, read)), $"the kernel read other bytes at offset {received}");
                received += read;
            }

            return received;
        }, cancellationToken);

        await RandomWrites.SendAsync(client, data, 256 * 1024, seed, cancellationToken);
        client.ShutdownSend();
        Assert.Equal(data.Length, await reading);
        TimeSpan elapsed = clock.Elapsed;

        server.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await DevmemStreamReader.ReadToEndAsync(client, engine.DmaBuf, DevmemDataKind.Readable, cancellationToken));
        await client.Closed.WaitAsync(cancellationToken);
        return elapsed;
    }
}
