using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Devmem.Cli.Hosting;
using Devmem.Cli.Links;
using Devmem.Cli.SelfTest;
using Devmem.Stack.Tcp;
using Devmem.Cli.Transfer;
using Devmem.Uapi;

namespace Devmem.Cli.Ncdevmem;

/// <summary>
/// ncdevmem's command line as the root command's options, unchanged after the program name:
/// <c>devmem -l -s ADDR -p PORT -v 7 -f IFNAME</c> serves, <c>devmem -s ADDR -c ADDR -p PORT -f IFNAME -z N</c>
/// sends stdin. Missing arguments are reported in ncdevmem's words, in its order (-s, -p, -f).
/// </summary>
internal static class NcdevmemCommand
{
    private const string Prefix = "ncdevmem";

    /// <summary>Adds ncdevmem's options to <paramref name="root"/> and makes them its action.</summary>
    public static void AddTo(RootCommand root, ILinkOpener opener)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(opener);
        Option<bool> server = new("-l") { Description = "Server: receive into device memory (ncdevmem -l)." };
        Option<string?> serverAddress = new("-s") { HelpName = "ADDR", Description = "The server's address." };
        Option<string?> clientAddress = new("-c") { HelpName = "ADDR", Description = "The client's address (this engine's, when sending)." };
        Option<string?> port = new("-p") { HelpName = "PORT", Description = "The server's port." };
        Option<long> validation = new("-v") { HelpName = "N", Description = "Check ncdevmem's pattern with period N (7: 01..06 0A); 0 prints the bytes." };
        Option<int?> queues = new("-q") { HelpName = "N", Description = "How many RX queues to bind (default 1)." };
        Option<int?> firstQueue = new("-t") { HelpName = "QUEUE", Description = "The first RX queue to bind (default: the last -q queues)." };
        Option<string?> ifname = new("-f") { HelpName = "IFNAME", Description = "The interface (required)." };
        Option<int> chunk = new("-z") { HelpName = "BYTES", Description = "Client: the largest write, in bytes (0: no limit)." };
        Option<bool> failOnLinear = new("-L") { Description = "Fail on any linear (non device memory) data." };
        Option<bool> skipNic = new("-n") { Description = "Skip NIC configuration (RSS, flow rule); bind-rx still happens." };
        Option<string> engine = new("--engine") { Description = "stack (the user-space engine, the default) or kernel (Linux's devmem TCP on a NIC that supports it).", DefaultValueFactory = _ => "stack" };
        engine.AcceptOnlyFromAmong("stack", "kernel");
        Option<bool> sink = new("--sink") { Description = "Count fragments and return tokens without reading the payload." };
        Option<bool> json = new("--json") { Description = "Print the run's counts as one JSON object on stdout (the stream's bytes are then not printed)." };
        Option<bool> stats = new("--stats") { Description = "Print the run's counts, and on the user-space engine its NIC queues, page pools and TCP counters, on stderr at the end." };
        Option<string?> pcap = new("--pcap") { HelpName = "FILE", Description = "Record the link's frames both ways into a pcap file (user-space engine)." };
        Option<DeviceMemoryKind?> memory = DeviceMemory.Option();
        foreach (Option option in new Option[] { server, serverAddress, clientAddress, port, validation, queues, firstQueue, ifname, chunk, failOnLinear, skipNic, engine, sink, json, stats, pcap, memory })
        {
            root.Options.Add(option);
        }

        CommandAction.SetAsync(root, async (parse, cancellationToken) =>
        {
            if (!parse.GetValue(server) && parse.GetValue(serverAddress) is null && parse.GetValue(clientAddress) is null)
            {
                // ncdevmem with neither a server nor a client role runs its binding self-tests on -f.
                string device = parse.GetValue(ifname) ?? throw Missing("-f");
                string? failure = SelfTestCommand.Run(parse.GetValue(engine) == "kernel", opener, device, parse.GetValue(queues), parse.GetValue(firstQueue), Console.Error);
                await Console.Error.WriteLineAsync(failure is null ? $"{Prefix}: ok" : $"{Prefix}: {failure}").ConfigureAwait(false);
                return failure is null ? 0 : CommandAction.Failure;
            }

            IPAddress serverIp = Address(parse.GetValue(serverAddress), "-s");
            ushort serverPort = Port(parse.GetValue(port));
            string interfaceName = parse.GetValue(ifname) ?? throw Missing("-f");
            if (parse.GetValue(sink) && parse.GetValue(validation) != 0)
            {
                throw new ArgumentException("-v and --sink exclude each other: --sink never reads the payload");
            }

            bool isServer = parse.GetValue(server);
            IPAddress local = isServer ? serverIp : Address(parse.GetValue(clientAddress), "-c");
            bool asJson = parse.GetValue(json);
            var options = new NcdevmemServerOptions
            {
                Address = serverIp,
                Port = serverPort,
                Validation = parse.GetValue(validation),
                QueueCount = parse.GetValue(queues),
                FirstQueue = parse.GetValue(firstQueue),
                FailOnLinear = parse.GetValue(failOnLinear),
                SkipNicConfiguration = parse.GetValue(skipNic),
                Sink = parse.GetValue(sink),
                TraceCalls = CliLogging.IsDebug(parse),
            };
            Stream? stdout = asJson ? null : Console.OpenStandardOutput();
            using var signals = new TerminationSignals(cancellationToken);
            NcdevmemReport report = parse.GetValue(engine) == "kernel"
                ? await RunOnKernelAsync(isServer, interfaceName, options, parse.GetValue(memory) ?? DeviceMemoryKind.Udmabuf, local, parse.GetValue(chunk), stdout,
                    signals.Token).ConfigureAwait(false)
                : await RunOnStackAsync(isServer, RecordingLinkOpener.For(opener, parse.GetValue(pcap)), interfaceName, options, parse.GetValue(memory) ?? DeviceMemoryKind.Host,
                    local, parse.GetValue(chunk), stdout, parse.GetValue(stats), signals.Token).ConfigureAwait(false);
            if (asJson)
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, TransferJsonContext.Default.NcdevmemReport)).ConfigureAwait(false);
            }

            if (parse.GetValue(stats))
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{report.Role}: {report.Bytes} bytes, {report.Frags} frags ({report.PageAlignedFrags} page-aligned), {report.LinearBytes} linear bytes, tokens {report.TokensIssued} issued / {report.TokensReturned} returned, {report.Errors} mismatches, {report.LeakedNetIovs} net_iovs leaked")).ConfigureAwait(false);
            }

            return report.Error is null && report.LeakedNetIovs == 0 ? 0 : CommandAction.Failure;
        }, Prefix);
    }

    private static async Task<NcdevmemReport> RunOnStackAsync(bool isServer, ILinkOpener opener, string interfaceName, NcdevmemServerOptions options,
        DeviceMemoryKind memory, IPAddress local, int chunk, Stream? stdout, bool stats, CancellationToken cancellationToken)
    {
        using var host = new EngineHost(opener, interfaceName, local, memory);
        if (isServer)
        {
            var run = new NcdevmemServer(host.Engine, host.Binding, options, Console.Error, stdout);
            string? error = await run.RunAsync(cancellationToken).ConfigureAwait(false);
            await PrintStatisticsAsync(stats, host, run.Connection).ConfigureAwait(false);
            TeardownReport teardown = host.Teardown();
            return ServerReport(run.Counters, options.Validation > 0, run.ValidationErrors, error ?? teardown.LeakReport, teardown.LeakedNetIovs);
        }

        var client = new NcdevmemClient(host.Engine, Console.Error);
        long sent = await client
            .RunAsync(new IPEndPoint(options.Address, options.Port), Console.OpenStandardInput(), chunk, cancellationToken)
            .ConfigureAwait(false);
        await PrintStatisticsAsync(stats, host, client.Connection).ConfigureAwait(false);
        TeardownReport done = host.Teardown();
        return ClientReport(sent, done.LeakReport, done.LeakedNetIovs);
    }

    // --stats: the NIC's queues and page pools and the connection's TCP counters, read before the engine stops.
    private static Task PrintStatisticsAsync(bool stats, EngineHost host, TcpCounters? connection) =>
        stats ? Console.Error.WriteAsync(EngineStatistics.Describe(host.Engine, connection)) : Task.CompletedTask;

    // The kernel owns the device memory and its accounting here, so there is no leak scope to consult.
    private static async Task<NcdevmemReport> RunOnKernelAsync(bool isServer, string interfaceName, NcdevmemServerOptions options,
        DeviceMemoryKind memory, IPAddress local, int chunk, Stream? stdout, CancellationToken cancellationToken)
    {
        if (isServer)
        {
            var run = new KernelNcdevmemServer(interfaceName, options, memory, Console.Error, stdout);
            string? error = await run.RunAsync(cancellationToken).ConfigureAwait(false);
            return ServerReport(run.Counters, options.Validation > 0, run.ValidationErrors, error, leakedNetIovs: 0);
        }

        long sent = await new KernelNcdevmemClient(local, Console.Error)
            .RunAsync(new IPEndPoint(options.Address, options.Port), Console.OpenStandardInput(), chunk, cancellationToken)
            .ConfigureAwait(false);
        return ClientReport(sent, error: null, leakedNetIovs: 0);
    }

    // `validated` needs -v: a run that never compared a byte has no mismatches and still proves nothing.
    private static NcdevmemReport ServerReport(ReceiveCounters c, bool validating, int mismatches, string? error, long leakedNetIovs) =>
        new("server", c.Bytes, c.DeviceFragments, c.PageAlignedFragments, c.UnalignedFragments, c.LinearBytes, c.TokensIssued, c.TokensReturned,
            mismatches, validating && mismatches == 0 && error is null, error, leakedNetIovs);

    private static NcdevmemReport ClientReport(long sent, string? error, long leakedNetIovs) =>
        new("client", sent, 0, 0, 0, 0, 0, 0, 0, Validated: false, error, leakedNetIovs);

    private static IPAddress Address(string? text, string option) =>
        text is null ? throw Missing(option)
        : IPAddress.TryParse(text, out IPAddress? address) ? address
        : throw new ArgumentException($"{option} {text} is not an IPv4 or IPv6 address");

    private static ushort Port(string? text) =>
        text is null ? throw Missing("-p")
        : ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort port) && port != 0 ? port
        : throw new ArgumentException($"-p {text} is not a port (1..65535)");

    private static ArgumentException Missing(string option) =>
        new($"Missing {option} argument (devmem --help lists the commands; `devmem demo` runs without an interface)");
}
