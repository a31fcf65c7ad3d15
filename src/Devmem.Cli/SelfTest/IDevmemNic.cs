namespace Devmem.Cli.SelfTest;

/// <summary>
/// The four NIC operations ncdevmem's binding self-tests exercise, on either engine: header split, bind-rx
/// of the test's dma-buf to some RX queues, changing the RX queue count, unbinding. Each change that the NIC
/// refuses throws the engine's <see cref="Uapi.DevmemException"/>.
/// </summary>
internal interface IDevmemNic : IDisposable
{
    /// <summary>RX queues the device has now.</summary>
    int RxQueues { get; }

    /// <summary>ethtool -G tcp-data-split on|off.</summary>
    void SetHeaderSplit(bool enabled);

    /// <summary>netdev bind-rx of the test's dma-buf to <paramref name="queues"/> (may be empty, to be refused).</summary>
    void BindRx(IReadOnlyList<int> queues);

    /// <summary>ethtool -L rx N (combined N where the device has only combined channels).</summary>
    void SetRxQueues(int count);

    /// <summary>Undoes the binding, if any.</summary>
    void Unbind();
}
