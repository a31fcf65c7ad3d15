using System.Net;
using Devmem.Memory;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>The failures the public sockets report, each with the errno Linux would give.</summary>
public sealed class EngineErrorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ConnectToPortWithoutListener_IsRefused()
    {
        using var pair = new EnginePair(ipv6: false);
        var error = await Assert.ThrowsAsync<DevmemException>(() => pair.A.ConnectAsync(pair.Server(5999), TestContext.Current.CancellationToken));
        Assert.Equal(Errno.ECONNREFUSED, error.Errno);
        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public void ListenTwiceOnOnePort_AddressInUse()
    {
        using var pair = new EnginePair(ipv6: false);
        using (pair.B.Listen(EnginePair.SteeredPort))
        {
            Assert.Equal(Errno.EADDRINUSE, Assert.Throws<DevmemException>(() => pair.B.Listen(EnginePair.SteeredPort)).Errno);
        }

        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task Abort_ResetsThePeerAtOnce_EvenWithNothingUnread()
    {
        using var pair = new EnginePair(ipv6: false);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort))
        {
            Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
            using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), cancellationToken);
            using EngineTcpSocket server = await accepting;
            client.SetNoDelay(true);
            client.SetUserTimeout(TimeSpan.FromSeconds(30));

            // SO_LINGER {on, 0} then close(2): RST instead of FIN.
            server.Abort();
            var reset = await Assert.ThrowsAsync<DevmemException>(() => client.Closed.WaitAsync(Timeout, cancellationToken));
            Assert.Equal(Errno.ECONNRESET, reset.Errno);
            Assert.Throws<ObjectDisposedException>(() => server.SetCork(true));
        }

        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task CloseWithUnreadData_ResetsThePeer()
    {
        using var pair = new EnginePair(ipv6: false);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.SteeredPort))
        {
            Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
            using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.SteeredPort), cancellationToken);
            EngineTcpSocket server = await accepting;
            await client.SendAsync(NcdevmemPattern.Create(1000), cancellationToken);
            while (server.Receiver.QueuedBytes == 0)
            {
                await Task.Delay(1, cancellationToken);
            }

            // close(2) with unread data sends RST (RFC 2525 §2.17), as Linux does.
            server.Dispose();
            var reset = await Assert.ThrowsAsync<DevmemException>(() => client.Closed.WaitAsync(Timeout, cancellationToken));
            Assert.Equal(Errno.ECONNRESET, reset.Errno);
            Assert.Equal(Errno.ECONNRESET, (await Assert.ThrowsAsync<DevmemException>(() => client.SendAsync(new byte[1], cancellationToken).AsTask())).Errno);
            Assert.Equal(Errno.ENOTCONN, Assert.Throws<DevmemException>(client.ShutdownSend).Errno);
        }

        pair.DisposeAndAssertNoLeaks();
    }

    [Fact]
    public async Task ConnectToSilentAddress_TimesOut()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(ConnectToSilentAddress_TimesOut));
        using var link = new MemoryLink();
        var options = new UserSpaceEngineOptions
        {
            Link = link.A,
            Interface = new IpInterfaceOptions { MacAddress = new MacAddress(0x02_00_00_00_00_0A), Ipv4 = new Ipv4InterfaceAddress(new Ipv4Address(10, 0, 0, 1), 24) },
            Tcp = TcpConnectionOptions.Default with { InitialRto = TimeSpan.FromMilliseconds(50), MinRto = TimeSpan.FromMilliseconds(50), MaxSynRetransmissions = 2 },
        };
        using (var engine = new UserSpaceEngine(options))
        {
            // Nothing runs on the link's other end: ARP goes unanswered and the SYN is never sent.
            var error = await Assert.ThrowsAsync<DevmemException>(
                () => engine.ConnectAsync(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5201), TestContext.Current.CancellationToken));
            Assert.Equal(Errno.ETIMEDOUT, error.Errno);
            engine.Dispose();
            Assert.Equal(0, engine.SkbPool.InUse);
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public async Task SendAfterShutdown_BrokenPipe()
    {
        using var pair = new EnginePair(ipv6: false);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (EngineTcpListener listener = pair.B.Listen(EnginePair.UnsteeredPort))
        {
            Task<EngineTcpSocket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
            using EngineTcpSocket client = await pair.A.ConnectAsync(pair.Server(EnginePair.UnsteeredPort), cancellationToken);
            using EngineTcpSocket server = await accepting;
            client.ShutdownSend();
            Assert.Equal(Errno.EPIPE, (await Assert.ThrowsAsync<DevmemException>(() => client.SendAsync(new byte[1], cancellationToken).AsTask())).Errno);
        }

        pair.DisposeAndAssertNoLeaks();
    }
}
