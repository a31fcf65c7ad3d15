using Devmem.Interop.Tests.Support;
using Devmem.Stack.Link.Packet;

namespace Devmem.Interop.Tests.AfPacket;

/// <summary>The packet link's wait parks on poll: pending while quiet, woken by a frame, by cancellation, by dispose.</summary>
public sealed class AfPacketLinkWaitTests
{
    [Fact]
    public async Task Wait_IsPendingWhileQuiet_AndEndsOnAFrameACancelOrDispose()
    {
        using InteropNamespace kernel = InteropNamespace.Create();
        using InteropNamespace engine = InteropNamespace.Create();
        kernel.Ip("link", "add", VethEnvironment.KernelEnd, "type", "veth", "peer", "name", VethEnvironment.EngineEnd, "netns", engine.Name);
        kernel.Exec("sysctl", "-qw", $"net.ipv6.conf.{VethEnvironment.KernelEnd}.disable_ipv6=1");
        engine.Exec("sysctl", "-qw", $"net.ipv6.conf.{VethEnvironment.EngineEnd}.disable_ipv6=1");
        kernel.Ip("addr", "add", $"{InteropEngine.KernelIpv4}/24", "dev", VethEnvironment.KernelEnd);
        kernel.Ip("link", "set", VethEnvironment.KernelEnd, "up");
        engine.Ip("link", "set", VethEnvironment.EngineEnd, "up");
        AfPacketLink link = engine.Run(() => AfPacketLink.Open(VethEnvironment.EngineEnd));
        try
        {
            await LinkWaits.AssertWaitSemanticsAsync(link, link, TestContext.Current.CancellationToken);
        }
        finally
        {
            link.Dispose();
        }
    }
}
