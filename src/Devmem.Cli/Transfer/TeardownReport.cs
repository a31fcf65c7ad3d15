namespace Devmem.Cli.Transfer;

/// <summary>What was left behind once both engines stopped: the no-leak check's findings.</summary>
/// <param name="LeakedNetIovs">Chunks of the dma-buf that never came back to its binding.</param>
/// <param name="SkbsInUse">Payload skbs not returned to the engines' pools.</param>
/// <param name="LeakReport">The leak scope's report naming each area, pool and chunk; null when clean.</param>
internal sealed record TeardownReport(long LeakedNetIovs, long SkbsInUse, string? LeakReport)
{
    /// <summary>Whether everything came home.</summary>
    public bool Clean => LeakedNetIovs == 0 && SkbsInUse == 0 && LeakReport is null;
}
