using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Devmem.Cli.Hosting;
using Devmem.Cli.Transfer;

namespace Devmem.Cli.Demo;

/// <summary><c>devmem demo</c>: the whole devmem receive path in one process, no root, no special hardware.</summary>
internal static class DemoCommand
{
    public static Command Build()
    {
        Option<string> bytes = new("--bytes")
        {
            HelpName = "SIZE",
            Description = "Bytes to send: a number, or with a binary suffix K, M or G (64M, 1G).",
            DefaultValueFactory = _ => "1G",
        };
        Option<double> loss = Percent("--loss", "Percent of frames lost on the wire, each way (5 = 5%).");
        Option<double> reorder = Percent("--reorder", "Percent of frames delivered out of order, each way.");
        Option<double> duplicate = Percent("--duplicate", "Percent of frames delivered twice, each way.");
        Option<double> corrupt = Percent("--corrupt", "Percent of frames with a flipped bit, each way (the NIC's checksum drops them).");
        Option<int> seed = new("--seed") { HelpName = "N", Description = "Seed of the faults, to repeat a run exactly.", DefaultValueFactory = _ => 1 };
        Option<bool> ipv6 = new("--ipv6") { Description = "IPv6 instead of IPv4." };
        Option<bool> json = new("--json") { Description = "Print one JSON object instead of the summary." };
        Option<DeviceMemoryKind?> memory = DeviceMemory.Option();
        var command = new Command(
            "demo",
            "Two user-space engines in this process: a sender and a devmem receiver whose NIC splits headers and puts payload " +
            "into a dma-buf (host memory, a udmabuf, or GPU memory with --memory cuda). Every byte is checked against ncdevmem's -v 7 pattern in device memory and every token " +
            "returned. Exit 0 only if the data validated and nothing leaked.")
        {
            bytes, loss, reorder, duplicate, corrupt, seed, ipv6, memory, json,
        };
        CommandAction.SetAsync(command, async (parse, cancellationToken) =>
        {
            var options = new DemoOptions
            {
                Bytes = ByteSize.Parse(parse.GetValue(bytes)!),
                LossPercent = parse.GetValue(loss),
                ReorderPercent = parse.GetValue(reorder),
                DuplicatePercent = parse.GetValue(duplicate),
                CorruptPercent = parse.GetValue(corrupt),
                Seed = parse.GetValue(seed),
                Ipv6 = parse.GetValue(ipv6),
                Memory = parse.GetValue(memory) ?? DeviceMemoryKind.Host,
            };
            var runner = new DemoRunner(options, Console.Error);
            using var signals = new TerminationSignals(cancellationToken);
            DemoReport report;
            await using (TransferProgress.StartIfTerminal(() => runner.Counters.Bytes, options.Bytes))
            {
                report = await runner.RunAsync(signals.Token).ConfigureAwait(false);
            }

            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, TransferJsonContext.Default.DemoReport)).ConfigureAwait(false);
            }
            else
            {
                DemoSummary.Write(Console.Out, report, options);
            }

            if (report.Error is { } error)
            {
                await Console.Error.WriteLineAsync($"devmem: {error}").ConfigureAwait(false);
            }

            return report.Succeeded ? 0 : CommandAction.Failure;
        });
        return command;
    }

    private static Option<double> Percent(string name, string description)
    {
        var option = new Option<double>(name) { HelpName = "PERCENT", Description = description };
        option.Validators.Add(result =>
        {
            double value = result.GetValueOrDefault<double>();
            if (value is < 0 or > 100 || double.IsNaN(value))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} is a percentage from 0 to 100, not {value}"));
            }
        });
        return option;
    }
}
