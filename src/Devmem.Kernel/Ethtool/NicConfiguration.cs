using Devmem.Kernel.Namespaces;
using Devmem.Uapi;

namespace Devmem.Kernel.Ethtool;

/// <summary>
/// A device configured for devmem RX as ncdevmem configures it: channels (optional), header-data split on
/// with threshold 0, RSS kept off the devmem queues, a flow rule steering the flow to its queue. Each step
/// remembers how to undo itself; <see cref="Dispose"/> undoes them in reverse order, and a step that fails
/// undoes the earlier ones before its <see cref="DevmemException"/> (errno, the kernel's message, what to
/// do) reaches the caller, so a device is never left half-configured.
/// </summary>
public sealed class NicConfiguration : IDisposable
{
    private readonly EthtoolClient _ethtool;
    private readonly EthtoolIoctl _ioctl;
    private readonly Stack<(string Step, Action Undo)> _undo = new();
    private bool _disposed;

    private NicConfiguration(EthtoolClient ethtool, EthtoolIoctl ioctl, string device)
    {
        _ethtool = ethtool;
        _ioctl = ioctl;
        Device = device;
    }

    /// <summary>The device configured.</summary>
    public string Device { get; }

    /// <summary>The location the flow rule took, when one was installed.</summary>
    public uint? FlowRuleLocation { get; private set; }

    /// <summary>The steps applied and not yet undone, most recent first.</summary>
    public IReadOnlyList<string> AppliedSteps => [.. _undo.Select(entry => entry.Step)];

    /// <summary>Applies <paramref name="options"/> in the calling thread's namespace, or in <paramref name="networkNamespace"/>.</summary>
    /// <exception cref="DevmemException">A step failed; the earlier ones were undone.</exception>
    public static NicConfiguration Apply(NicConfigurationOptions options, NetworkNamespace? networkNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Device);
        EthtoolClient ethtool = networkNamespace is null ? EthtoolClient.Open() : EthtoolClient.Open(networkNamespace);
        EthtoolIoctl? ioctl = null;
        NicConfiguration? configuration = null;
        try
        {
            ioctl = networkNamespace is null ? EthtoolIoctl.Open() : EthtoolIoctl.Open(networkNamespace);
            configuration = new NicConfiguration(ethtool, ioctl, options.Device);
            configuration.ApplySteps(options);
            return configuration;
        }
        catch
        {
            if (configuration is not null)
            {
                configuration.UndoAll(throwOnFailure: false);
            }

            ioctl?.Dispose();
            ethtool.Dispose();
            throw;
        }
    }

    /// <summary>Undoes every applied step, most recent first.</summary>
    /// <exception cref="DevmemException">A step could not be undone; the others were still attempted.</exception>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            UndoAll(throwOnFailure: true);
        }
        finally
        {
            _ioctl.Dispose();
            _ethtool.Dispose();
        }
    }

    private void ApplySteps(NicConfigurationOptions options)
    {
        if (options.Channels is EthtoolChannelsChange channels)
        {
            EthtoolChannels before = Step("channels get", () => _ethtool.GetChannels(Device));
            Step("channels set", () => _ethtool.SetChannels(Device, channels));
            _undo.Push(("channels", () => _ethtool.SetChannels(Device, EthtoolChannelsChange.RestoreOf(before))));
        }

        if (options.HeaderSplit)
        {
            EthtoolRings before = Step("header split (rings get)", () => _ethtool.GetRings(Device));
            Step("header split on, hds threshold 0 (rings set)", () => _ethtool.SetRings(Device, new EthtoolRingsChange(
                TcpDataSplit: EthtoolTcpDataSplit.Enabled,
                HdsThresh: before.HdsThresh is null ? null : 0u)));
            _undo.Push(("header split", () => _ethtool.SetRings(Device, new EthtoolRingsChange(
                TcpDataSplit: before.TcpDataSplit ?? EthtoolTcpDataSplit.Unknown,
                HdsThresh: before.HdsThresh))));
        }

        if (options.RssQueues is uint queues)
        {
            uint[] before = Step("RSS (indirection table get)", () => _ioctl.GetRssIndirection(Device));
            uint rings = Step("RSS (rx ring count)", () => _ioctl.GetRxRingCount(Device));

            // A table equal to the driver's default spread is put back as "default" (size 0), as ethtool -X
            // default does, so the device does not stay marked as user-configured (IFF_RXFH_CONFIGURED).
            bool wasDefault = rings > 0 && before.AsSpan().SequenceEqual(EthtoolIoctl.EqualSpread(before.Length, rings));
            Step($"RSS equal {queues} (indirection table set)", () => _ioctl.SetRssIndirection(Device, EthtoolIoctl.EqualSpread(before.Length, queues)));
            _undo.Push(("RSS", wasDefault ? () => _ioctl.ResetRssIndirection(Device) : () => _ioctl.SetRssIndirection(Device, before)));
        }

        if (options.FlowRule is EthtoolFlowRule rule)
        {
            uint location = Step($"flow rule {rule}", () => _ioctl.InsertFlowRule(Device, rule));
            FlowRuleLocation = location;
            _undo.Push(("flow rule", () =>
            {
                _ioctl.DeleteFlowRule(Device, location);
                FlowRuleLocation = null;
            }));
        }
    }

    private void Step(string step, Action action) => Step(step, () =>
    {
        action();
        return true;
    });

    private T Step<T>(string step, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DevmemException error)
        {
            throw new DevmemException(error.Errno, $"configuring {Device} for devmem, step '{step}': {error.Message}", error);
        }
    }

    private void UndoAll(bool throwOnFailure)
    {
        var failures = new List<DevmemException>();
        while (_undo.TryPop(out (string Step, Action Undo) entry))
        {
            try
            {
                entry.Undo();
            }
            catch (DevmemException error)
            {
                failures.Add(new DevmemException(error.Errno, $"restoring {entry.Step} of {Device}: {error.Message}", error));
            }
        }

        if (throwOnFailure && failures.Count > 0)
        {
            throw new DevmemException(
                failures[0].Errno,
                $"{failures.Count} step(s) of {Device}'s devmem configuration could not be undone; the device keeps them until set by hand: {string.Join(" | ", failures.Select(f => f.Message))}",
                new AggregateException(failures));
        }
    }
}
