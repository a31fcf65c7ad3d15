namespace Devmem.Cli.Ncdevmem;

/// <summary>The outcome of one ncdevmem-style run, for <c>--json</c> and <c>--stats</c>.</summary>
/// <param name="Role">server or client.</param>
/// <param name="Bytes">Bytes received (server) or sent (client).</param>
/// <param name="Frags">Device fragments received.</param>
/// <param name="PageAlignedFrags">ncdevmem's <c>page_aligned_frags</c>.</param>
/// <param name="NonPageAlignedFrags">ncdevmem's <c>non_page_aligned_frags</c>.</param>
/// <param name="LinearBytes">Bytes that did not land in device memory.</param>
/// <param name="TokensIssued">Tokens handed out.</param>
/// <param name="TokensReturned">Tokens given back.</param>
/// <param name="Errors">Pattern mismatches (<c>-v</c>).</param>
/// <param name="Validated">Every byte was checked against the pattern (<c>-v N</c>) and matched; false without <c>-v</c>, where no mismatch proves nothing.</param>
/// <param name="Error">ncdevmem's reason for failing; null when it did not.</param>
/// <param name="LeakedNetIovs">Chunks of the dma-buf that never came home.</param>
internal sealed record NcdevmemReport(
    string Role,
    long Bytes,
    long Frags,
    long PageAlignedFrags,
    long NonPageAlignedFrags,
    long LinearBytes,
    long TokensIssued,
    long TokensReturned,
    int Errors,
    bool Validated,
    string? Error,
    long LeakedNetIovs);
