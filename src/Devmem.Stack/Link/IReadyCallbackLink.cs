namespace Devmem.Stack.Link;

/// <summary>
/// A link that can call its receiver back when frames wait, instead of completing an awaited
/// <see cref="ILink.WaitForFramesAsync"/>: an engine loop that sleeps on its own event is then woken by the
/// thread that made the frames ready (a kernel link's poll thread, a memory link's writer) directly, without
/// a thread-pool worker in between (one wake-up per idle period, not two).
/// </summary>
internal interface IReadyCallbackLink : ILink
{
    /// <summary>
    /// Arms a one-shot <paramref name="onFrames"/>, called on the thread that makes frames ready once they wait; false when
    /// they already do (nothing will be called). One armed wait at a time.
    /// </summary>
    bool TryArmReadyCallback(Action onFrames);

    /// <summary>Withdraws an armed callback; false when there was none (it ran, or is running now).</summary>
    bool DisarmReadyCallback();
}
