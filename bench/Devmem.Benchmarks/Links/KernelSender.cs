using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Devmem.Benchmarks.Links;

/// <summary>
/// The one sender every kernel-sourced row uses, so rows differ only in the receiver and the link: a kernel
/// TCP socket made inside a namespace, writing one 256 KiB buffer as fast as <c>send(2)</c> takes it, on a
/// dedicated thread, for a fixed time.
/// </summary>
internal static class KernelSender
{
    private const int WriteSize = 256 * 1024;

    /// <summary>Connects from inside <paramref name="ns"/> to <paramref name="receiver"/>.</summary>
    public static async Task<Socket> ConnectAsync(BenchNamespace ns, IPEndPoint receiver, CancellationToken cancellationToken)
    {
        Socket socket = ns.Handle.Run(() => new Socket(receiver.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            await socket.ConnectAsync(receiver, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sent before the measured window opens, in every row alike: a receiving engine is new in each row, and its
    /// first second runs tier-0 code while the JIT recompiles it (tiered compilation, on-stack replacement).
    /// </summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Writes for <see cref="WarmUp"/> unmeasured, then for <paramref name="duration"/>, then samples
    /// <paramref name="receivedBytes"/> (what the receiving application has been handed so far) and shuts the
    /// sending side down. Returns the bytes received in the measured window over its length, in Gbit/s: bytes the
    /// receiver got, not bytes the sender queued.
    /// </summary>
    public static Task<double> SendForAsync(Socket socket, TimeSpan duration, Func<long> receivedBytes) =>
        SendForAsync(buffer => socket.Send(buffer), () => socket.Shutdown(SocketShutdown.Send), duration, receivedBytes);

    /// <summary>The same timing around any sender (our engine's blocking send, for the row where it sends).</summary>
    public static Task<double> SendForAsync(Action<byte[]> send, Action shutdown, TimeSpan duration, Func<long> receivedBytes) =>
        Task.Factory.StartNew(
            () =>
            {
                var buffer = new byte[WriteSize];
                Random.Shared.NextBytes(buffer);
                var warmUp = Stopwatch.StartNew();
                while (warmUp.Elapsed < WarmUp)
                {
                    send(buffer);
                }

                long start = receivedBytes();
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < duration)
                {
                    send(buffer);
                }

                long received = receivedBytes() - start;
                double seconds = clock.Elapsed.TotalSeconds;
                shutdown();
                return received * 8 / seconds / 1e9;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
}
