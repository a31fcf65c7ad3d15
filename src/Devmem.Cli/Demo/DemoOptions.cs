using Devmem.Cli.Hosting;
using Devmem.Stack.Link;

namespace Devmem.Cli.Demo;

/// <summary>What <c>devmem demo</c> runs: how many bytes, over what wire.</summary>
internal sealed record DemoOptions
{
    /// <summary>Bytes the sender writes (the ncdevmem pattern).</summary>
    public long Bytes { get; init; } = 1L << 30;

    /// <summary>Percent of frames lost, each way.</summary>
    public double LossPercent { get; init; }

    /// <summary>Percent of frames held back and delivered out of order, each way.</summary>
    public double ReorderPercent { get; init; }

    /// <summary>Percent of frames delivered twice, each way.</summary>
    public double DuplicatePercent { get; init; }

    /// <summary>Percent of frames with a flipped bit, each way.</summary>
    public double CorruptPercent { get; init; }

    /// <summary>Seed of the fault injector, so a faulty run can be repeated.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>IPv6 instead of IPv4.</summary>
    public bool Ipv6 { get; init; }

    /// <summary>What the receiver's dma-buf is made of.</summary>
    public DeviceMemoryKind Memory { get; init; } = DeviceMemoryKind.Host;

    /// <summary>The wire's faults, or null for a clean wire.</summary>
    public FaultInjectorOptions? Faults() =>
        LossPercent == 0 && ReorderPercent == 0 && DuplicatePercent == 0 && CorruptPercent == 0
            ? null
            : new FaultInjectorOptions
            {
                Seed = Seed,
                LossRate = LossPercent / 100,
                ReorderRate = ReorderPercent / 100,
                DuplicateRate = DuplicatePercent / 100,
                CorruptRate = CorruptPercent / 100,
            };
}
