using Devmem.Memory;

namespace Devmem.Cli.Transfer;

/// <summary>What was left behind once both engines stopped: the no-leak check's findings.</summary>
/// <param name="LeakedNetIovs">Chunks of the dma-buf that never came back to its binding.</param>
/// <param name="SkbsInUse">Payload skbs not returned to the engines' pools.</param>
/// <param name="LeakReport">The leak scope's report naming each area, pool and chunk; null when clean.</param>
internal sealed record TeardownReport(long LeakedNetIovs, long SkbsInUse, string? LeakReport)
{
    /// <summary>Whether everything came home.</summary>
    public bool Clean => LeakedNetIovs == 0 && SkbsInUse == 0 && LeakReport is null;

    /// <summary>
    /// The last step of a teardown, once the engines and the link are stopped: counts the chunks that never
    /// came home, releases the binding and its dma-buf, runs the leak scope's check and closes it.
    /// </summary>
    public static TeardownReport Complete(DmaBufBinding binding, DmaBuf dmaBuf, MemoryLeakScope leaks, long skbsInUse)
    {
        long leaked = binding.TotalChunks - binding.FreeChunks;
        binding.Dispose();
        dmaBuf.Dispose();
        string? report = null;
        try
        {
            leaks.AssertNoLeaks();
        }
        catch (MemoryLeakException e)
        {
            report = e.Message;
        }

        leaks.Dispose();
        return new TeardownReport(leaked, skbsInUse, report);
    }
}
