using System.Globalization;
using System.Text;
using Devmem.Stack.Nic;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tcp;

namespace Devmem.Cli.Hosting;

/// <summary>
/// <c>--stats</c> on the user-space engine: what <c>ethtool -S</c>, the netdev family's qstats and page-pool
/// dumps and <c>nstat</c> would show on a real machine, read from the emulated NIC and the connection's TCP
/// counters before the engine stops. Only non-zero drop reasons are listed.
/// </summary>
internal static class EngineStatistics
{
    public static string Describe(UserSpaceEngine engine, TcpCounters? connection)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var text = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        engine.ConfigureNic(nic =>
        {
            for (int queue = 0; queue < nic.RxQueueCount; queue++)
            {
                NicQueueStats stats = nic.GetQueueStats(queue);
                if (stats.Packets == 0 && stats.TotalDrops == 0)
                {
                    continue;
                }

                text.AppendLine(string.Create(c,
                    $"rx queue {queue}: {stats.Packets} packets, {stats.Bytes} bytes, {stats.SplitPackets} header-split, drops: {Drops(Enum.GetValues<NicDropReason>(), r => stats[r])}"));
            }

            foreach (NicPagePoolInfo pool in nic.GetPagePools())
            {
                text.AppendLine(string.Create(c,
                    $"page pool {pool.Id} (queue {pool.Queue}{(pool.DmabufId is uint id ? $", dma-buf {id}" : string.Empty)}): {pool.Inflight} chunks in flight, {pool.InflightBytes} bytes"));
            }
        });

        if (connection is not null)
        {
            text.AppendLine(string.Create(c,
                $"tcp: {connection.SegmentsReceived} segments in, {connection.SegmentsSent} out, {connection.Retransmissions} retransmitted ({connection.FastRetransmissions} fast, {connection.RetransmissionTimeouts} timeouts, {connection.TailLossProbes} tail probes), {connection.DuplicateAcks} duplicate ACKs, {connection.FastRecoveries} recoveries"));
            text.AppendLine(string.Create(c, $"tcp drops: {Drops(Enum.GetValues<TcpDropReason>().Where(r => r != TcpDropReason.None), connection.Dropped)}"));
        }

        return text.ToString();
    }

    private static string Drops<T>(IEnumerable<T> reasons, Func<T, long> count) where T : struct, Enum
    {
        string[] listed = [.. reasons.Where(r => count(r) > 0).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r} {count(r)}"))];
        return listed.Length == 0 ? "none" : string.Join(", ", listed);
    }
}
