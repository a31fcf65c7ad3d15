using Devmem.Cli.Hosting;
using System.Net;
using System.Net.Sockets;
using Devmem.Cli.Transfer;
using Devmem.Kernel.DmaBufs;
using Devmem.Kernel.Ethtool;
using Devmem.Memory;
using Devmem.Kernel.Netdev;
using Devmem.Kernel.Sockets;
using Devmem.Uapi;

namespace Devmem.Cli.Ncdevmem;

/// <summary>
/// ncdevmem's server (<c>--engine kernel</c>) on Linux's own devmem TCP, in ncdevmem's order: a dma-buf for
/// device memory (a udmabuf as ncdevmem's, or a GPU's memory with <c>--memory cuda</c>), the NIC set up (header split, RSS over the queues below, a flow rule; undone at the end),
/// bind-rx through netdev, then a kernel TCP socket accepted and read with <c>recvmsg(MSG_SOCK_DEVMEM)</c>.
/// Each step the machine cannot do (no <c>/dev/udmabuf</c> or GPU, a NIC without header split or devmem support)
/// fails with the kernel's reason and what to do.
/// </summary>
internal sealed class KernelNcdevmemServer(string interfaceName, NcdevmemServerOptions options, DeviceMemoryKind memory, TextWriter log, Stream? output)
{
    /// <summary>What was received.</summary>
    public ReceiveCounters Counters { get; } = new();

    /// <summary>Pattern mismatches (with <c>-v</c>).</summary>
    public int ValidationErrors { get; private set; }

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        int ifindex = InterfaceIndex.Of(interfaceName);
        using DmaBuf dmaBuf = DeviceMemory.CreateExported(memory, TestbedOptions.DefaultDmaBufBytes, "ncdevmem");
        uint rxQueues;
        using (EthtoolClient ethtool = EthtoolClient.Open())
        {
            rxQueues = ethtool.GetChannels(interfaceName).RxQueues;
        }

        uint count = (uint)(options.QueueCount ?? 1);
        uint first = options.FirstQueue is int t ? (uint)t : rxQueues - count;
        using NicConfiguration? nic = options.SkipNicConfiguration
            ? null
            : NicConfiguration.Apply(NicConfigurationOptions.ForDevmemRx(interfaceName, first, new EthtoolFlowRule(options.Address, options.Port, null, null, first)));
        using NetdevClient netdev = NetdevClient.Open();
        NetdevQueueId[] queues = [.. Enumerable.Range((int)first, (int)count).Select(q => new NetdevQueueId(NetdevQueueType.Rx, (uint)q))];
        using NetdevDmabufBinding binding = netdev.BindRx(ifindex, DeviceMemory.Exported(dmaBuf).Fd, queues);

        using var listener = new Socket(options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(options.Address, options.Port));
        listener.Listen(1);
        NcdevmemSession.Waiting(log, options.Address, options.Port);
        using Socket client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
        NcdevmemSession.Connected(log, (IPEndPoint)client.RemoteEndPoint!);
        using var devmem = new KernelDevmemSocket(client);
        (string? error, ValidationErrors) = await NcdevmemSession.ReceiveAsync(new KernelDevmemSource(devmem, client), dmaBuf, binding.Id,
            options, log, output, Counters, cancellationToken).ConfigureAwait(false);
        return error;
    }
}
