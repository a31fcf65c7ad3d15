using System.Net;
using System.Net.Sockets;
using Devmem.Cli.Ncdevmem;
using Devmem.Cli.Validation;
using Devmem.Kernel.DmaBufs;
using Devmem.Kernel.Tests.Support;

namespace Devmem.Cli.Tests.Ncdevmem;

/// <summary>
/// <c>--engine kernel</c>: the client against a kernel socket on loopback, and the server on a veth, where the
/// machine's refusal (no udmabuf, no header split, no devmem in the driver) must come back as a clear message.
/// </summary>
[Collection(nameof(CliCollection))]
public sealed class KernelEngineTests
{
    [Fact]
    public async Task KernelClient_SendsItsInputInChunks_AndWaitsForTheServersClose()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        byte[] data = NcdevmemPattern.Create(7, 10_000);
        Task<byte[]> serving = Task.Run(async () =>
        {
            using Socket peer = await listener.AcceptAsync(cancellationToken);
            using var received = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = await peer.ReceiveAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }

            peer.Shutdown(SocketShutdown.Send);
            return received.ToArray();
        }, cancellationToken);

        using var log = new StringWriter();
        using var input = new MemoryStream(data);
        long sent = await new KernelNcdevmemClient(IPAddress.Loopback, log).RunAsync((IPEndPoint)listener.LocalEndPoint!, input, maxChunk: 3, cancellationToken);
        Assert.Equal(data.Length, sent);
        Assert.Equal(data, await serving);
        Assert.Contains("ncdevmem: tx ok", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void KernelServer_OnVeth_RefusesWithTheMachinesReason()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        CliResult result = CliRunner.RunIn(ns.Handle, "-l", "-s", "10.9.9.1", "-p", "5201", "-v", "7", "-f", TestNetworkNamespace.Veth, "--engine", "kernel");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("ncdevmem: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);

        // Without /dev/udmabuf there is no device memory to bind; with it, veth refuses header split or bind-rx.
        Assert.Contains(Udmabuf.CheckAvailability().IsAvailable ? "EOPNOTSUPP" : "--memory udmabuf is not available on this machine", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelServer_HostMemory_IsEinvalNamingTheMemoryItTakes()
    {
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();
        CliResult result = CliRunner.RunIn(ns.Handle, "-l", "-s", "10.9.9.1", "-p", "5201", "-f", TestNetworkNamespace.Veth, "--engine", "kernel", "--memory", "host");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("EINVAL", result.Error, StringComparison.Ordinal);
        Assert.Contains("use --memory udmabuf or --memory cuda with --engine kernel", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelServer_GpuMemoryOnVeth_ReachesBindRxAndReportsTheKernelsRefusal()
    {
        DmaBufExporterAvailability cuda = CudaDmaBuf.CheckAvailability();
        using TestNetworkNamespace ns = TestNetworkNamespace.Create();

        // -n skips header split and the flow rule (veth has neither), so the GPU's dma-buf goes to bind-rx itself.
        CliResult result = CliRunner.RunIn(ns.Handle, "-l", "-s", "10.9.9.1", "-p", "5201", "-f", TestNetworkNamespace.Veth, "--engine", "kernel", "--memory", "cuda", "-n");
        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        if (cuda.IsAvailable)
        {
            // netdev_nl_bind_rx_doit: veth has no queue management API, whatever the dma-buf.
            Assert.Contains("EOPNOTSUPP", result.Error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"--memory cuda is not available on this machine: {cuda.Reason}", result.Error, StringComparison.Ordinal);
            Assert.Contains("The kernel engine takes --memory udmabuf or --memory cuda.", result.Error, StringComparison.Ordinal);
        }
    }
}
