using Devmem.Cli.Transfer;

namespace Devmem.Cli.Demo;

/// <summary>The outcome of one <c>devmem demo</c>, printed as a summary or as <c>--json</c> (snake_case fields).</summary>
/// <param name="Bytes">Stream bytes received and checked.</param>
/// <param name="Seconds">From the first byte written to the end of stream.</param>
/// <param name="GbitPerS">Throughput, 10^9 bits per second.</param>
/// <param name="Frags">Device fragments received.</param>
/// <param name="PageAlignedFrags">Of those, whole pages.</param>
/// <param name="LinearBytes">Bytes that did not land in device memory.</param>
/// <param name="TokensIssued">Tokens handed out with the fragments.</param>
/// <param name="TokensReturned">Tokens given back with SO_DEVMEM_DONTNEED.</param>
/// <param name="Validated">Whether every byte matched ncdevmem's pattern and the count was complete.</param>
/// <param name="Errors">Pattern mismatches.</param>
/// <param name="Error">Why the run failed; null when it did not.</param>
/// <param name="Drops">Frames lost, by reason.</param>
/// <param name="Retransmits">Data segments the sender sent again, whatever the cause.</param>
/// <param name="LossProbes">Of the sender's timer events, tail loss probes (RFC 8985 §7): a probe fires after
/// 2·SRTT + 2 ms without an ACK, so a receiver starved of CPU draws one from a link that lost nothing.</param>
/// <param name="Timeouts">Retransmission timer expiries at the sender.</param>
/// <param name="LeakedNetIovs">Chunks of the dma-buf that never came home.</param>
/// <param name="Pool">The dma-buf's chunks at the end of the transfer, before teardown.</param>
/// <param name="Memory">What the dma-buf is made of (host memory, a udmabuf, a GPU's memory).</param>
internal sealed record DemoReport(
    long Bytes,
    double Seconds,
    double GbitPerS,
    long Frags,
    long PageAlignedFrags,
    long LinearBytes,
    long TokensIssued,
    long TokensReturned,
    bool Validated,
    int Errors,
    string? Error,
    IReadOnlyDictionary<string, long> Drops,
    long Retransmits,
    long LossProbes,
    long Timeouts,
    long LeakedNetIovs,
    PoolState Pool,
    string Memory)
{
    /// <summary>The demo's verdict: the data validated and nothing leaked.</summary>
    public bool Succeeded => Validated && LeakedNetIovs == 0 && Error is null;
}
