using System.Net;
using System.Net.Sockets;

namespace Devmem.Kernel.Tests.Live;

/// <summary>A TCP connection over loopback: the kernel's own TCP on both ends, nothing leaves the machine.</summary>
internal sealed class LoopbackConnection : IDisposable
{
    private LoopbackConnection(Socket listener, Socket client, Socket server)
    {
        Listener = listener;
        Client = client;
        Server = server;
    }

    public Socket Listener { get; }

    public Socket Client { get; }

    public Socket Server { get; }

    public static LoopbackConnection Open()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        return new LoopbackConnection(listener, client, listener.Accept());
    }

    public void Dispose()
    {
        Server.Dispose();
        Client.Dispose();
        Listener.Dispose();
    }
}
