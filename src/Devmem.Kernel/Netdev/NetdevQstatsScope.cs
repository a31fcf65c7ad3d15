namespace Devmem.Kernel.Netdev;

/// <summary>How qstats-get aggregates (<c>enum netdev_qstats_scope</c>; absent means per device).</summary>
public enum NetdevQstatsScope
{
    /// <summary>One record per device: totals since the last explicit reset.</summary>
    Device = 0,

    /// <summary><c>NETDEV_QSTATS_SCOPE_QUEUE</c>: one record per active queue.</summary>
    Queue = 1,
}
