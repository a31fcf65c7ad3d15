namespace Devmem.Kernel.Netdev;

/// <summary>The <c>threaded</c> attribute of a NAPI instance (<c>enum netdev_napi_threaded</c>).</summary>
public enum NetdevNapiThreaded
{
    /// <summary>Polled in softirq context.</summary>
    Disabled = 0,

    /// <summary>Polled by its own kernel thread (<see cref="NetdevNapi.Pid"/>).</summary>
    Enabled = 1,

    /// <summary>Its kernel thread busy-polls.</summary>
    BusyPoll = 2,
}
