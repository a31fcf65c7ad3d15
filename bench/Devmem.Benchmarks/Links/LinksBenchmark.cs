using System.Globalization;
using System.Net;
using System.Text.Json;
using Devmem.Benchmarks.Engine;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Link.Packet;
using Devmem.Stack.Link.Tap;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Benchmarks.Links;

/// <summary>
/// One flow, a fixed time per row, all rows in one run on one machine (the figures are noisy; only the ratios
/// travel): Linux to Linux over a veth (iperf3 and our kernel sender into a kernel receiver), the same kernel
/// sender into our devmem receive over TAP and over AF_PACKET on a veth, and our engine to itself over the
/// memory link, in wire-sized frames and in GSO frames carried whole (what the veth of the Linux rows carries).
/// Printed, never asserted.
/// </summary>
/// <remarks>Run as root with <c>dotnet run -c Release --project bench/Devmem.Benchmarks -- links [seconds per row]</c>.</remarks>
internal static class LinksBenchmark
{
    public static async Task<int> RunAsync(TimeSpan perRow)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("links: needs root (CAP_SYS_ADMIN for network namespaces, CAP_NET_ADMIN for TAP, veth and AF_PACKET); run it with sudo.");
            return 2;
        }

        using var deadline = new CancellationTokenSource(perRow * 6 + TimeSpan.FromSeconds(60));
        CancellationToken cancellationToken = deadline.Token;
        double? iperf = IperfOverVeth(perRow);
        double kernel = await KernelOverVethAsync(perRow, cancellationToken);
        double tap = await EngineOverTapAsync(perRow, cancellationToken);
        double afPacket = await EngineOverAfPacketAsync(perRow, cancellationToken);
        double memory = await MemoryLinkFlow.MeasureAsync(1500, perRow, cancellationToken, linkGso: false);
        double memoryGso = await MemoryLinkFlow.MeasureAsync(1500, perRow, cancellationToken);
        double engineSender = await EngineSenderOverTapAsync(perRow, cancellationToken);

        Console.WriteLine($"one flow, {perRow.TotalSeconds:F0} s per row, Gbit/s delivered to the receiving application; ratios against (a) kernel sender");
        Console.WriteLine($"{"row",-64} Gbit/s   ratio");
        Row("(a) iperf3 -> iperf3, veth between namespaces", iperf, kernel, "iperf3 not installed");
        Row("(a) kernel sender -> kernel receiver, veth", kernel, kernel, null);
        Row("(b) kernel sender -> engine devmem, TAP + TSO", tap, kernel, null);
        Row("(c) kernel sender -> engine devmem, AF_PACKET on veth", afPacket, kernel, null);
        Row("(d) engine -> engine devmem, memory link, MTU 1500, wire frames", memory, kernel, null);
        Row("(e) the same, GSO frames carried whole as on a veth", memoryGso, kernel, null);
        Row("(f) engine sender -> kernel receiver, TAP", engineSender, kernel, null);
        return 0;
    }

    private static void Row(string name, double? gbitPerSecond, double baseline, string? missing) =>
        Console.WriteLine(gbitPerSecond is { } value
            ? string.Create(CultureInfo.InvariantCulture, $"{name,-64} {value,6:F2}   {value / baseline,5:F2}")
            : $"{name,-64} {missing}");

    // iperf3's own figure (receiver side), for a reader who trusts it more than our sender; null without iperf3.
    private static double? IperfOverVeth(TimeSpan duration)
    {
        if (!OnPath("iperf3"))
        {
            return null;
        }

        using VethPair veth = VethPair.Create();
        Address(veth);
        using var server = BenchNamespace.Start(veth.Right.Exec("iperf3", "-s", "-1", "-B", LinkReceiverEngine.EngineAddress.ToString()));
        try
        {
            // The server needs a moment to listen; iperf3 -c fails at once on a refused connection.
            Thread.Sleep(500);
            string json = BenchNamespace.Run(veth.Left.Exec(
                "iperf3", "-c", LinkReceiverEngine.EngineAddress.ToString(), "-t", ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "-J"));
            using JsonDocument result = JsonDocument.Parse(json);
            return result.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble() / 1e9;
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }

    private static async Task<double> KernelOverVethAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        using VethPair veth = VethPair.Create();
        Address(veth);
        var endPoint = new IPEndPoint(LinkReceiverEngine.EngineAddress, LinkReceiverEngine.Port);
        using var receiver = new KernelReceiver(veth.Right, endPoint);
        using var sender = await KernelSender.ConnectAsync(veth.Left, endPoint, cancellationToken);
        double gbitPerSecond = await KernelSender.SendForAsync(sender, duration, () => receiver.Bytes);
        await receiver.Receiving.WaitAsync(cancellationToken);
        return gbitPerSecond;
    }

    private static async Task<double> EngineOverTapAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        using BenchNamespace ns = BenchNamespace.Create();
        TapLink tap = ns.Handle.Run(() => TapLink.Open(new TapLinkOptions { Name = "dmbtap0" }));
        using LinkReceiverEngine engine = Own(tap);
        ns.Ip("addr", "add", $"{LinkReceiverEngine.KernelAddress}/24", "dev", tap.Name);
        ns.Ip("link", "set", tap.Name, "up");
        return await engine.MeasureAsync(ns, duration, cancellationToken);
    }

    private static async Task<double> EngineOverAfPacketAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        using VethPair veth = VethPair.Create();
        veth.Left.Ip("addr", "add", $"{LinkReceiverEngine.KernelAddress}/24", "dev", VethPair.LeftEnd);
        AfPacketLink link = veth.Right.Handle.Run(() => AfPacketLink.Open(VethPair.RightEnd));
        using LinkReceiverEngine engine = Own(link);
        return await engine.MeasureAsync(veth.Left, duration, cancellationToken);
    }

    // The other direction over a TAP: our engine sends (MTU-sized frames, checksums complete) to a kernel receiver.
    private static async Task<double> EngineSenderOverTapAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        using BenchNamespace ns = BenchNamespace.Create();
        using TapLink tap = ns.Handle.Run(() => TapLink.Open(new TapLinkOptions { Name = "dmbtap1" }));
        ns.Ip("addr", "add", $"{LinkReceiverEngine.KernelAddress}/24", "dev", tap.Name);
        ns.Ip("link", "set", tap.Name, "up");
        var endPoint = new IPEndPoint(LinkReceiverEngine.KernelAddress, LinkReceiverEngine.Port);
        using var receiver = new KernelReceiver(ns, endPoint);
        using var engine = new UserSpaceEngine(new UserSpaceEngineOptions
        {
            Link = tap,
            Tcp = TcpConnectionOptions.Default with { SendBufferSize = 4 << 20 },
            Interface = new IpInterfaceOptions
            {
                MacAddress = new MacAddress(0x02_00_00_00_78_02),
                Ipv4 = new Ipv4InterfaceAddress(Ipv4Address.FromIPAddress(LinkReceiverEngine.EngineAddress), 24),
            },
        });
        using EngineTcpSocket sender = await engine.ConnectAsync(endPoint, cancellationToken);
        double gbitPerSecond = await KernelSender.SendForAsync(buffer => sender.Send(buffer, cancellationToken), sender.ShutdownSend, duration, () => receiver.Bytes);
        await receiver.Receiving.WaitAsync(cancellationToken);
        return gbitPerSecond;
    }

    // The engine owns the link once made; until then a failure must close the link here.
    private static LinkReceiverEngine Own<TLink>(TLink link)
        where TLink : ILink, IDisposable
    {
        try
        {
            return new LinkReceiverEngine(link);
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    // A kernel receiver on the right end, a kernel sender on the left: the addresses our engine takes otherwise.
    private static void Address(VethPair veth)
    {
        veth.Left.Ip("addr", "add", $"{LinkReceiverEngine.KernelAddress}/24", "dev", VethPair.LeftEnd);
        veth.Right.Ip("addr", "add", $"{LinkReceiverEngine.EngineAddress}/24", "dev", VethPair.RightEnd);
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}
