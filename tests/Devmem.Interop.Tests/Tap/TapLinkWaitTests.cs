using Devmem.Interop.Tests.Support;
using Devmem.Stack.Link.Tap;

namespace Devmem.Interop.Tests.Tap;

/// <summary>The TAP's wait parks on poll: pending while quiet, woken by a frame, by cancellation, by dispose.</summary>
public sealed class TapLinkWaitTests
{
    [Fact]
    public async Task Wait_IsPendingWhileQuiet_AndEndsOnAFrameACancelOrDispose()
    {
        using InteropNamespace ns = InteropNamespace.Create();
        TapLink tap = ns.Run(() => TapLink.Open(new TapLinkOptions { Name = "dmtapwait", BringUp = false }));
        try
        {
            ns.Exec("sysctl", "-qw", "net.ipv6.conf.dmtapwait.disable_ipv6=1");
            ns.Ip("addr", "add", $"{InteropEngine.KernelIpv4}/24", "dev", tap.Name);
            ns.Ip("link", "set", tap.Name, "up");
            await LinkWaits.AssertWaitSemanticsAsync(tap, tap, TestContext.Current.CancellationToken);
        }
        finally
        {
            tap.Dispose();
        }
    }

    // tun_chr_poll() answers EPOLLERR for ever once the device is gone: the waiter must drop the descriptor
    // rather than wake its receiver in a loop, and reads must fail as counted errors, not exceptions.
    [Fact]
    public async Task DeletedDevice_NeitherWakesTheReceiverNorThrows()
    {
        using InteropNamespace ns = InteropNamespace.Create();
        using TapLink tap = ns.Run(() => TapLink.Open(new TapLinkOptions { Name = "dmtapgone" }));
        ns.Ip("link", "del", tap.Name);

        var receive = new Stack.Link.FrameBatch(4, tap.MaxFrameLength);
        Assert.Equal(0, tap.Receive(receive));
        Assert.True(tap.ReceiveErrors > 0, "a read on a deleted TAP should fail with an error other than EAGAIN");
        Task wait = tap.WaitForFramesAsync(TestContext.Current.CancellationToken).AsTask();
        await Task.WhenAny(wait, Task.Delay(200, TestContext.Current.CancellationToken));
        Assert.False(wait.IsCompleted, "the wait completed on a deleted device");
        Assert.True(tap.IsDetached, "the poll thread should have seen POLLERR and stopped polling the descriptor");
        Assert.Equal(0, tap.Receive(receive));
    }
}
