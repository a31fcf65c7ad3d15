using System.Globalization;
using Devmem.Interop.Tests.Support;
using Devmem.Kernel.Tests.Support;
using Devmem.Stack.Link.Pcap;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tests.Sockets;
using PacketDotNet;

namespace Devmem.Interop.Tests.Tap;

/// <summary>
/// <see cref="PcapLink"/> between our engine and a TAP records a real exchange with the kernel (handshake,
/// GSO data, ACKs, FINs, ARP/NDP) in a file other tools read without complaint.
/// </summary>
public sealed class TapCaptureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Capture_ParsesWithPacketDotNet_BothDirections(bool ipv6)
    {
        string path = await CaptureTransferAsync(ipv6);
        try
        {
            List<byte[]> frames = PcapFile.ReadEthernetFrames(path);
            int fromKernel = 0;
            int fromEngine = 0;
            foreach (byte[] frame in frames)
            {
                var ethernet = Assert.IsType<EthernetPacket>(Packet.ParsePacket(LinkLayers.Ethernet, frame));
                if (ethernet.Extract<TcpPacket>() is not { } tcp)
                {
                    continue;
                }

                var ip = Assert.IsAssignableFrom<IPPacket>(tcp.ParentPacket);
                Assert.Equal(ipv6 ? IPVersion.IPv6 : IPVersion.IPv4, ip.Version);
                if (tcp.DestinationPort == InteropEngine.SteeredPort)
                {
                    fromKernel++;
                }
                else
                {
                    fromEngine++;
                }
            }

            output.WriteLine($"{frames.Count} frames recorded: {fromKernel} TCP from the kernel, {fromEngine} from the engine");
            Assert.True(fromKernel > 0 && fromEngine > 0, "both directions must be in the capture");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Capture_HasNoMalformedPacketsForTshark()
    {
        if (!Ip.Exists("tshark"))
        {
            Assert.Skip("tshark is not installed (apt-get install -y tshark): the capture's malformed-packet check needs it.");
        }

        string path = await CaptureTransferAsync(ipv6: false);
        try
        {
            int frames = PcapFile.ReadEthernetFrames(path).Count;
            string all = Ip.Tool("tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.number");
            string malformed = Ip.Tool("tshark", "-n", "-r", path, "-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number");
            Assert.Equal(frames, all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.True(string.IsNullOrWhiteSpace(malformed), $"tshark calls frames {malformed.Trim().ReplaceLineEndings(",")} malformed");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tshark read {frames} frames, none malformed"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // 4 MiB from a kernel client through a capture decorator; returns the file.
    private static async Task<string> CaptureTransferAsync(bool ipv6)
    {
        string path = Path.Combine(Path.GetTempPath(), $"devmem-{Guid.NewGuid():N}.pcap");
        using TapEnvironment world = TapEnvironment.Create(decorate: tap => new PcapLink(tap, PcapWriter.Create(path)));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        byte[] data = NcdevmemPattern.Create(4 << 20);
        await KernelTransfers.KernelClientToEngineAsync(
            world.Namespace, world.Engine, ipv6, InteropEngine.SteeredPort, data, DevmemDataKind.DeviceMemory, seed: 5, deadline.Token);
        world.DisposeAndAssertNoLeaks();
        return path;
    }
}
