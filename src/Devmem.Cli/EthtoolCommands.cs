using System.CommandLine;
using System.Text.Json;
using Devmem.Kernel.Ethtool;

namespace Devmem.Cli;

/// <summary>
/// <c>devmem ethtool ...</c>: the ring and channel settings devmem RX depends on (header-data split, its
/// threshold, queue counts), read through the ethtool netlink family.
/// </summary>
internal static class EthtoolCommands
{
    public static Command Build()
    {
        var ethtool = new Command("ethtool", "Read a device's ring and channel settings (netlink family ethtool).");
        ethtool.Subcommands.Add(RingsGet());
        ethtool.Subcommands.Add(ChannelsGet());
        return ethtool;
    }

    private static Command RingsGet()
    {
        Option<string> device = OutputOptions.Device();
        Option<bool> json = OutputOptions.Json();
        var command = new Command("rings-get", "Ring sizes, header-data split and its threshold (ethtool -g).") { device, json };
        CommandAction.Set(command, parse =>
        {
            string name = parse.GetRequiredValue(device);
            using EthtoolClient client = EthtoolClient.Open();
            EthtoolRings rings = client.GetRings(name);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(rings, CliJsonContext.Default.EthtoolRings));
                return;
            }

            TextTable.WritePairs(Console.Out, $"Ring parameters for {name}:",
            [
                ("rx-max", rings.RxMax),
                ("tx-max", rings.TxMax),
                ("rx", rings.Rx),
                ("tx", rings.Tx),
                ("rx-buf-len", rings.RxBufLen),
                ("tcp-data-split", rings.TcpDataSplit),
                ("hds-thresh", rings.HdsThresh),
                ("hds-thresh-max", rings.HdsThreshMax),
            ]);
        });
        return command;
    }

    private static Command ChannelsGet()
    {
        Option<string> device = OutputOptions.Device();
        Option<bool> json = OutputOptions.Json();
        var command = new Command("channels-get", "Channel counts and their maxima (ethtool -l).") { device, json };
        CommandAction.Set(command, parse =>
        {
            string name = parse.GetRequiredValue(device);
            using EthtoolClient client = EthtoolClient.Open();
            EthtoolChannels channels = client.GetChannels(name);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(channels, CliJsonContext.Default.EthtoolChannels));
                return;
            }

            TextTable.WritePairs(Console.Out, $"Channel parameters for {name}:",
            [
                ("rx-max", channels.RxMax),
                ("tx-max", channels.TxMax),
                ("other-max", channels.OtherMax),
                ("combined-max", channels.CombinedMax),
                ("rx-count", channels.RxCount),
                ("tx-count", channels.TxCount),
                ("other-count", channels.OtherCount),
                ("combined-count", channels.CombinedCount),
            ]);
        });
        return command;
    }
}
