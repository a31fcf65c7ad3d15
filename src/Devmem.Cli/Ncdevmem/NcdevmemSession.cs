using System.Globalization;
using System.Net;
using Devmem.Cli.Transfer;
using Devmem.Cli.Validation;
using Devmem.Memory;

namespace Devmem.Cli.Ncdevmem;

/// <summary>
/// One accepted connection of ncdevmem's server, whichever engine received it: the messages ncdevmem prints
/// around it and the receive loop with <c>-v</c>, <c>-L</c>, <c>--sink</c> and the per-call lines applied.
/// </summary>
internal static class NcdevmemSession
{
    public static void Waiting(TextWriter log, IPAddress address, ushort port) =>
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Waiting or connection on {address}:{port}"));

    public static void Connected(TextWriter log, IPEndPoint peer) =>
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Got connection from {peer.Address}:{peer.Port}"));

    /// <summary>
    /// Receives the connection to its end; returns null and prints <c>ncdevmem: ok</c> with the frag counts,
    /// or prints and returns ncdevmem's reason for failing; with the pattern mismatches seen.
    /// </summary>
    public static async Task<(string? Error, int ValidationErrors)> ReceiveAsync(IDevmemSource source, DmaBuf dmaBuf, uint dmabufId,
        NcdevmemServerOptions options, TextWriter log, Stream? output, ReceiveCounters counters, CancellationToken cancellationToken)
    {
        NcdevmemValidator? validator = options.Validation > 0 ? new NcdevmemValidator(options.Validation, log) : null;
        var consumer = new DevmemStreamConsumer(dmaBuf, dmabufId, new ConsumerOptions
        {
            Validator = validator,
            Sink = options.Sink,
            FailOnLinear = options.FailOnLinear,
            Output = validator is null && !options.Sink ? output : null,
            Trace = options.TraceCalls ? new NcdevmemTrace(log) : null,
        }, counters);

        string? error = await consumer.ConsumeAsync(source, cancellationToken).ConfigureAwait(false);
        output?.Flush();
        if (error is not null)
        {
            log.WriteLine($"ncdevmem: {error}");
        }
        else
        {
            log.WriteLine("client exited");
            log.WriteLine("ncdevmem: ok");
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"page_aligned_frags={counters.PageAlignedFragments}, non_page_aligned_frags={counters.UnalignedFragments}"));
        }

        return (error, validator?.Errors ?? 0);
    }
}
