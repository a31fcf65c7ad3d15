using System.Globalization;
using System.Text.RegularExpressions;
using Devmem.Interop.Tests.Support;
using Devmem.Stack.Link;
using Devmem.Stack.Link.Tap;

namespace Devmem.Interop.Tests.Tap;

/// <summary>
/// A kernel client one router away from our engine, with real loss on the way: the client's namespace joins the
/// TAP's namespace by a veth, the TAP's namespace forwards, and nftables there drops <see cref="LossPercent"/>%
/// of what it forwards towards us (at random, <c>numgen random</c>). A drop at a router is wire loss to the
/// client's TCP; the same rule on the client's own output would hand the error back to its TCP, which would
/// send the segment again at once and never leave a gap. The client's veth sends MSS-sized segments (TSO and GSO
/// off), so each drop loses one segment, not 45. Our side is a TAP without offloads (every frame complete, so
/// the fault injector can hold it) behind a <see cref="FaultInjectingLink"/> that reorders what we receive.
/// </summary>
internal sealed class RoutedLossyTapEnvironment : IDisposable
{
    public const int LossPercent = 2;

    private const string RouterEnd = "dmr0";
    private const string ClientEnd = "dmr1";

    private RoutedLossyTapEnvironment(TapEnvironment tap, InteropNamespace client, FaultInjectingLink faults)
    {
        Tap = tap;
        Client = client;
        Faults = faults;
    }

    /// <summary>The router's namespace with the TAP, and our engine on it.</summary>
    public TapEnvironment Tap { get; }

    /// <summary>Where the kernel client's sockets are made.</summary>
    public InteropNamespace Client { get; }

    /// <summary>Our side's faults and their counters.</summary>
    public FaultInjectingLink Faults { get; }

    public static RoutedLossyTapEnvironment Create(FaultInjectorOptions reorder)
    {
        FaultInjectingLink? faults = null;
        TapEnvironment tap = TapEnvironment.Create(
            new TapLinkOptions { Name = TapEnvironment.Device, Offloads = false },
            link => faults = new FaultInjectingLink(link, reorder, transmit: null, maxFrameLength: 1500 + 18));
        InteropNamespace? client = null;
        try
        {
            client = InteropNamespace.Create();
            InteropNamespace router = tap.Namespace;
            router.Ip("link", "add", RouterEnd, "type", "veth", "peer", "name", ClientEnd, "netns", client.Name);
            router.Ip("addr", "add", "10.79.0.1/24", "dev", RouterEnd);
            router.Ip("addr", "add", "fd00:79::1/64", "dev", RouterEnd, "nodad");
            router.Ip("link", "set", RouterEnd, "up");
            router.Exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            router.Exec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
            client.Ip("addr", "add", "10.79.0.2/24", "dev", ClientEnd);
            client.Ip("addr", "add", "fd00:79::2/64", "dev", ClientEnd, "nodad");
            client.Ip("link", "set", ClientEnd, "up");
            client.Ip("route", "add", "default", "via", "10.79.0.1");
            client.Ip("-6", "route", "add", "default", "via", "fd00:79::1");
            client.Exec("ethtool", "-K", ClientEnd, "tso", "off", "gso", "off");
            router.Exec("nft", "add", "table", "inet", "dmloss");
            router.Exec("nft", "add", "chain", "inet", "dmloss", "forward", "{", "type", "filter", "hook", "forward", "priority", "0", ";", "}");
            router.Exec("nft", "add", "rule", "inet", "dmloss", "forward", "oifname", TapEnvironment.Device,
                "numgen", "random", "mod", "100", "lt", LossPercent.ToString(CultureInfo.InvariantCulture), "counter", "drop");
            return new RoutedLossyTapEnvironment(tap, client, faults!);
        }
        catch
        {
            client?.Dispose();
            tap.Dispose();
            throw;
        }
    }

    /// <summary>Packets the router's rule dropped so far.</summary>
    public long RouterDrops()
    {
        Match counter = Regex.Match(Tap.Namespace.Exec("nft", "list", "chain", "inet", "dmloss", "forward"), @"counter packets (\d+)");
        return counter.Success ? long.Parse(counter.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Ends the test: engine and link closed, every skb and chunk home; both namespaces go either way.</summary>
    public void DisposeAndAssertNoLeaks()
    {
        try
        {
            Tap.DisposeAndAssertNoLeaks();
        }
        finally
        {
            Client.Dispose();
        }
    }

    public void Dispose()
    {
        try
        {
            Tap.Dispose();
        }
        finally
        {
            Client.Dispose();
        }
    }
}
