namespace Devmem.Kernel.Ethtool;

/// <summary>
/// What a rings-set request changes; null members are left out of the request, so the kernel keeps them
/// (<c>ethnl_set_rings</c> starts from the current values).
/// </summary>
/// <param name="Rx">RX ring entries.</param>
/// <param name="Tx">TX ring entries.</param>
/// <param name="TcpDataSplit">Header-data split.</param>
/// <param name="HdsThresh">Header-data split threshold.</param>
public sealed record EthtoolRingsChange(
    uint? Rx = null,
    uint? Tx = null,
    EthtoolTcpDataSplit? TcpDataSplit = null,
    uint? HdsThresh = null)
{
    /// <summary>Whether the request would change nothing.</summary>
    public bool IsEmpty => Rx is null && Tx is null && TcpDataSplit is null && HdsThresh is null;
}
