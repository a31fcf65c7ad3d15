using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Devmem.Cli.Hosting;
using Devmem.Cli.Links;
using Devmem.Cli.Transfer;
using Microsoft.Extensions.Logging;

namespace Devmem.Cli.Serve;

/// <summary>
/// <c>devmem serve -f IFNAME -s ADDR --discard PORT --echo PORT</c>: a long-running server on the user-space
/// engine. SIGINT or SIGTERM closes every connection, checks leaks and prints the statistics; exit 0 only
/// if nothing leaked.
/// </summary>
internal static class ServeCommand
{
    public static Command Build(ILinkOpener links)
    {
        ArgumentNullException.ThrowIfNull(links);
        Option<string> ifname = new("-f") { HelpName = "IFNAME", Description = "The interface.", Required = true };
        Option<string> address = new("-s") { HelpName = "ADDR", Description = "This server's address.", Required = true };
        Option<ushort?> discard = new("--discard") { HelpName = "PORT", Description = "Port whose connections are received into device memory and discarded (tokens returned as frags arrive)." };
        Option<ushort?> echo = new("--echo") { HelpName = "PORT", Description = "Port whose connections are echoed back (ordinary receive)." };
        Option<bool> json = new("--json") { Description = "Print the statistics as one JSON object when stopping." };
        Option<string?> pcap = new("--pcap") { HelpName = "FILE", Description = "Record the link's frames both ways into a pcap file." };
        Option<DeviceMemoryKind?> memory = DeviceMemory.Option();
        var command = new Command("serve", "Serve discard (devmem receive) and echo connections until SIGINT or SIGTERM, then print statistics and check leaks.")
        {
            ifname, address, discard, echo, json, pcap, memory,
        };
        CommandAction.SetAsync(command, async (parse, cancellationToken) =>
        {
            IPAddress ip = IPAddress.TryParse(parse.GetValue(address), out IPAddress? parsed)
                ? parsed
                : throw new ArgumentException($"-s {parse.GetValue(address)} is not an IPv4 or IPv6 address");
            var options = new ServeOptions { Address = ip, DiscardPort = parse.GetValue(discard), EchoPort = parse.GetValue(echo) };
            using ILoggerFactory logging = CliLogging.CreateFactory(parse);
            using var host = new EngineHost(RecordingLinkOpener.For(links, parse.GetValue(pcap)), parse.GetValue(ifname)!, ip, parse.GetValue(memory) ?? DeviceMemoryKind.Host);
            var serve = new ServeHost(host.Engine, host.Binding, options, logging.CreateLogger("devmem.serve"));
            using (var signals = new TerminationSignals(cancellationToken))
            {
                await serve.RunAsync(listening: null, signals.Token).ConfigureAwait(false);
            }

            ServeReport report = serve.Report(host.Teardown());
            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, TransferJsonContext.Default.ServeReport)).ConfigureAwait(false);
            }
            else
            {
                Write(Console.Out, report);
            }

            return report.LeakedNetIovs == 0 && report.LeakReport is null ? 0 : CommandAction.Failure;
        });
        return command;
    }

    /// <summary>The statistics as a person reads them.</summary>
    public static void Write(TextWriter writer, ServeReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        CultureInfo c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c,
            $"devmem serve: {report.DiscardConnections} discard and {report.EchoConnections} echo connections, {report.FailedConnections} failed"));
        writer.WriteLine(string.Create(c,
            $"  discarded {ByteSize.Format(report.DiscardBytes)} in {report.Frags} device frags ({report.LinearBytes} linear bytes); echoed {ByteSize.Format(report.EchoBytes)}"));
        writer.WriteLine(string.Create(c, $"  tokens: {report.TokensIssued} issued, {report.TokensReturned} returned; leaked net_iovs: {report.LeakedNetIovs}"));
        if (report.LeakReport is not null)
        {
            writer.WriteLine(report.LeakReport);
        }
    }
}
