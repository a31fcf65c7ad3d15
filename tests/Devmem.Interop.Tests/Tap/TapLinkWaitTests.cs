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
}
