namespace Devmem.Kernel.Ethtool;

/// <summary>What a channels-set request changes; null members are left out, so the kernel keeps them.</summary>
public sealed record EthtoolChannelsChange(uint? Rx = null, uint? Tx = null, uint? Other = null, uint? Combined = null)
{
    /// <summary>The change that puts <paramref name="channels"/>' counts back (kinds the device lacks stay out).</summary>
    public static EthtoolChannelsChange RestoreOf(EthtoolChannels channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return new EthtoolChannelsChange(channels.RxCount, channels.TxCount, channels.OtherCount, channels.CombinedCount);
    }
}
