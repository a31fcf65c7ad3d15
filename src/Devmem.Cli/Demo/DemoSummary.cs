using System.Globalization;
using Devmem.Cli.Transfer;

namespace Devmem.Cli.Demo;

/// <summary>The human summary of a <see cref="DemoReport"/>: a few lines a person reads at a glance.</summary>
internal static class DemoSummary
{
    public static void Write(TextWriter writer, DemoReport report, DemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        CultureInfo c = CultureInfo.InvariantCulture;
        string verdict = report.Succeeded ? "validated (ncdevmem -v 7), nothing leaked" : $"FAILED: {report.Error ?? "data did not validate"}";
        writer.WriteLine(string.Create(c,
            $"devmem demo: {ByteSize.Format(report.Bytes)} in {report.Seconds:F2} s = {report.GbitPerS:F2} Gbit/s over the memory link ({(options.Ipv6 ? "IPv6" : "IPv4")}); {verdict}"));
        writer.WriteLine(string.Create(c,
            $"  frags: {report.Frags} in device memory ({report.PageAlignedFrags} page-aligned, {report.Frags - report.PageAlignedFrags} unaligned); linear bytes: {report.LinearBytes}"));
        writer.WriteLine(string.Create(c, $"  tokens: {report.TokensIssued} issued, {report.TokensReturned} returned; pattern mismatches: {report.Errors}"));
        IEnumerable<string> drops = report.Drops.Where(d => d.Value != 0).Select(d => string.Create(c, $"{d.Key} {d.Value}"));
        writer.WriteLine(string.Create(c, $"  retransmits: {report.Retransmits} ({report.LossProbes} loss probes, {report.Timeouts} timeouts); drops: {string.Join(", ", drops.DefaultIfEmpty("none"))}"));
        PoolState pool = report.Pool;
        writer.WriteLine(string.Create(c,
            $"  dma-buf: {report.Memory}, {pool.Chunks} chunks of 4 KiB, {pool.Free} free, {pool.InPagePools} in the NIC's page pool, {pool.HeldByApplication} held by the application; leaked net_iovs: {report.LeakedNetIovs}"));
    }
}
