using System.Net;
using System.Net.Sockets;

namespace Devmem.Benchmarks.Links;

/// <summary>
/// The kernel's counterpart of the devmem sink for the Linux-to-Linux row: one accepted connection read into
/// one 256 KiB buffer until end of stream, counting bytes, on a dedicated thread.
/// </summary>
internal sealed class KernelReceiver : IDisposable
{
    private readonly Socket _listener;
    private long _bytes;

    public KernelReceiver(BenchNamespace ns, IPEndPoint endPoint)
    {
        _listener = ns.Handle.Run(() => new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        _listener.Bind(endPoint);
        _listener.Listen(1);
        Receiving = Task.Factory.StartNew(Receive, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Bytes read so far (any thread).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Completes at the sender's end of stream.</summary>
    public Task Receiving { get; }

    public void Dispose() => _listener.Dispose();

    private void Receive()
    {
        using Socket connection = _listener.Accept();
        var buffer = new byte[256 * 1024];
        int read;
        while ((read = connection.Receive(buffer)) > 0)
        {
            Interlocked.Add(ref _bytes, read);
        }
    }
}
