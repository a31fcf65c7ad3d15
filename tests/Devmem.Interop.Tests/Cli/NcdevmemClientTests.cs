using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Devmem.Stack.Tests.Sockets;

namespace Devmem.Interop.Tests.Cli;

/// <summary>
/// The real <c>devmem -s KERNEL -c OURS -p PORT -f dm0</c> (ncdevmem's client) sending its stdin to a kernel
/// listener in the test's namespace: the kernel selftest's <c>check_tx</c> and <c>check_tx_chunks</c>
/// (<c>-z 3</c>), and a pattern large enough to need many segments and windows.
/// </summary>
public sealed class NcdevmemClientTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(3, false)]
    [InlineData(0, true)]
    public async Task CheckTx_HelloWorld_KernelReceivesIt(int chunk, bool ipv6)
    {
        byte[] received = await SendThroughClientAsync(Encoding.ASCII.GetBytes("hello\nworld\n"), chunk, ipv6, TestContext.Current.CancellationToken);

        Assert.Equal("hello\nworld\n", Encoding.ASCII.GetString(received));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task Pattern_KernelReceivesEveryByteInOrder(int chunk)
    {
        // -z 3 makes a write of three bytes each: 64 KiB is over 20,000 of them.
        byte[] data = NcdevmemPattern.Create(chunk == 0 ? 4 << 20 : 64 << 10);

        byte[] received = await SendThroughClientAsync(data, chunk, ipv6: false, TestContext.Current.CancellationToken);

        Assert.Equal(data.Length, received.Length);
        NcdevmemPattern.AssertMatches(received, 0);
    }

    // A kernel listener on the TAP's kernel side takes one connection and reads it to the end; devmem's client
    // sends `input` from stdin (in writes of `chunk` bytes, 0: no limit) and must exit 0 with `ncdevmem: tx ok`.
    private static async Task<byte[]> SendThroughClientAsync(byte[] input, int chunk, bool ipv6, CancellationToken cancellationToken)
    {
        using CliNamespace ns = CliNamespace.Create();
        ns.CreateTap();
        using Socket listener = ns.Namespace.Run(() => new Socket(ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        listener.Bind(new IPEndPoint(CliNamespace.KernelAddress(ipv6), CliNamespace.Port));
        listener.Listen(1);
        Task<byte[]> receiving = ReceiveOneAsync(listener, cancellationToken);

        using DevmemProcess client = ns.Start(
            "-s", CliNamespace.KernelAddress(ipv6).ToString(), "-c", CliNamespace.DevmemAddress(ipv6).ToString(),
            "-p", CliNamespace.Port.ToString(CultureInfo.InvariantCulture), "-f", CliNamespace.Device, "-z", chunk.ToString(CultureInfo.InvariantCulture));
        await client.WriteStdinAndCloseAsync(input, cancellationToken);

        (int exitCode, _) = await client.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        Assert.True(exitCode == 0, $"exit {exitCode}; stderr:\n{client.Stderr}");
        Assert.Contains("ncdevmem: tx ok", client.Stderr, StringComparison.Ordinal);
        return await receiving.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
    }

    private static async Task<byte[]> ReceiveOneAsync(Socket listener, CancellationToken cancellationToken)
    {
        using Socket connection = await listener.AcceptAsync(cancellationToken);
        using var received = new MemoryStream();
        var buffer = new byte[256 * 1024];
        int read;
        while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        // The client waits for our FIN before it says tx ok.
        connection.Shutdown(SocketShutdown.Send);
        return received.ToArray();
    }
}
