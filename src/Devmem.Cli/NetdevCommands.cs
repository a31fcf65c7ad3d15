using System.CommandLine;
using System.Text.Json;
using Devmem.Kernel.Netdev;

namespace Devmem.Cli;

/// <summary>
/// <c>devmem netdev ...</c>: the netdev generic netlink family's introspection, as the kernel's
/// <c>ynl --family netdev</c> offers it, in the calling process's network namespace.
/// </summary>
internal static class NetdevCommands
{
    public static Command Build()
    {
        var netdev = new Command("netdev", "Introspect devices, queues, NAPI instances, page pools and queue statistics (netlink family netdev).");
        netdev.Subcommands.Add(DevGet());
        netdev.Subcommands.Add(QueueGet());
        netdev.Subcommands.Add(NapiGet());
        netdev.Subcommands.Add(PagePoolGet());
        netdev.Subcommands.Add(QstatsGet());
        return netdev;
    }

    private static Command DevGet()
    {
        Option<int?> ifindex = OutputOptions.Ifindex(required: false);
        Option<bool> json = OutputOptions.Json();
        var command = new Command("dev-get", "One device (--ifindex) or every device: XDP and AF_XDP features.") { ifindex, json };
        CommandAction.Set(command, parse =>
        {
            using NetdevClient client = NetdevClient.Open();
            int? index = parse.GetValue(ifindex);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(index is int i
                    ? JsonSerializer.Serialize(client.GetDevice(i), CliJsonContext.Default.NetdevDevice)
                    : JsonSerializer.Serialize(client.DumpDevices(), CliJsonContext.Default.IReadOnlyListNetdevDevice));
                return;
            }

            IReadOnlyList<NetdevDevice> devices = index is int one ? [client.GetDevice(one)] : client.DumpDevices();
            var table = new TextTable("ifindex", "xdp-features", "xdp-zc-max-segs", "xdp-rx-metadata-features", "xsk-features");
            foreach (NetdevDevice device in devices)
            {
                table.Add(device.Ifindex, device.XdpFeatures, device.XdpZeroCopyMaxSegments, device.XdpRxMetadata, device.XskFeatures);
            }

            table.WriteTo(Console.Out, "no devices");
        });
        return command;
    }

    private static Command QueueGet()
    {
        Option<int?> ifindex = OutputOptions.Ifindex(required: true);
        Option<bool> json = OutputOptions.Json();
        var command = new Command("queue-get", "The active RX and TX queues of a device (up devices only): NAPI, dma-buf binding, io_uring, AF_XDP.") { ifindex, json };
        CommandAction.Set(command, parse =>
        {
            using NetdevClient client = NetdevClient.Open();
            IReadOnlyList<NetdevQueue> queues = client.DumpQueues(parse.GetValue(ifindex));
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(queues, CliJsonContext.Default.IReadOnlyListNetdevQueue));
                return;
            }

            var table = new TextTable("ifindex", "type", "id", "napi-id", "dmabuf", "io-uring", "xsk");
            foreach (NetdevQueue queue in queues)
            {
                table.Add(queue.Ifindex, queue.Type, queue.Id, queue.NapiId, queue.DmabufId, queue.HasIoUring, queue.HasXsk);
            }

            table.WriteTo(Console.Out, "no queues (the device is down?)");
        });
        return command;
    }

    private static Command NapiGet()
    {
        Option<int?> ifindex = OutputOptions.Ifindex(required: true);
        Option<bool> json = OutputOptions.Json();
        var command = new Command("napi-get", "The NAPI instances of a device: interrupt, polling thread, deferral settings.") { ifindex, json };
        CommandAction.Set(command, parse =>
        {
            using NetdevClient client = NetdevClient.Open();
            IReadOnlyList<NetdevNapi> napis = client.DumpNapis(parse.GetValue(ifindex));
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(napis, CliJsonContext.Default.IReadOnlyListNetdevNapi));
                return;
            }

            var table = new TextTable("ifindex", "id", "irq", "pid", "threaded", "defer-hard-irqs", "gro-flush-timeout", "irq-suspend-timeout");
            foreach (NetdevNapi napi in napis)
            {
                table.Add(napi.Ifindex, napi.Id, napi.Irq, napi.Pid, napi.Threaded, napi.DeferHardIrqs, napi.GroFlushTimeout, napi.IrqSuspendTimeout);
            }

            table.WriteTo(Console.Out, "no NAPI instances");
        });
        return command;
    }

    private static Command PagePoolGet()
    {
        Option<bool> json = OutputOptions.Json();
        var command = new Command("page-pool-get", "Every page pool: its device, NAPI, buffers in flight, dma-buf memory provider.") { json };
        CommandAction.Set(command, parse =>
        {
            using NetdevClient client = NetdevClient.Open();
            IReadOnlyList<NetdevPagePool> pools = client.DumpPagePools();
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(pools, CliJsonContext.Default.IReadOnlyListNetdevPagePool));
                return;
            }

            var table = new TextTable("id", "ifindex", "napi-id", "inflight", "inflight-mem", "detach-time", "dmabuf", "io-uring");
            foreach (NetdevPagePool pool in pools)
            {
                table.Add(pool.Id, pool.Ifindex, pool.NapiId, pool.Inflight, pool.InflightMemory, pool.DetachTime, pool.DmabufId, pool.HasIoUring);
            }

            table.WriteTo(Console.Out, "no page pools");
        });
        return command;
    }

    private static Command QstatsGet()
    {
        Option<int?> ifindex = OutputOptions.Ifindex(required: false);
        Option<bool> perQueue = new("--per-queue") { Description = "One record per queue instead of per-device totals." };
        Option<bool> json = OutputOptions.Json();
        var command = new Command("qstats-get", "Queue statistics of devices whose drivers keep them (per device, or per queue).") { ifindex, perQueue, json };
        CommandAction.Set(command, parse =>
        {
            using NetdevClient client = NetdevClient.Open();
            IReadOnlyList<NetdevQueueStats> stats = client.DumpQueueStats(
                parse.GetValue(ifindex),
                parse.GetValue(perQueue) ? NetdevQstatsScope.Queue : NetdevQstatsScope.Device);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(stats, CliJsonContext.Default.IReadOnlyListNetdevQueueStats));
                return;
            }

            var table = new TextTable("ifindex", "queue-type", "queue-id", "counters");
            foreach (NetdevQueueStats record in stats)
            {
                table.Add(record.Ifindex, record.QueueType, record.QueueId, string.Join(' ', record.Counters.Select(c => $"{c.Key}={c.Value}")));
            }

            table.WriteTo(Console.Out, "no queue statistics (no driver here keeps them)");
        });
        return command;
    }
}
