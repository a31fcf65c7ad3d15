using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;
using Devmem.Threading;

namespace Devmem.Stack.Sockets;

/// <summary>
/// The one send a socket has in progress, as a reusable <see cref="IValueTaskSource"/>: the application's thread
/// starts it, the loop completes it, and <see cref="EngineTcpSocket.SendAsync"/> allocates nothing per call
/// (a <see cref="TaskCompletionSource"/> and its task per send were most of what a transfer allocated).
/// </summary>
/// <remarks>
/// <para>A send counts as in flight from <see cref="TryStart"/> until its result is taken, so a second send started
/// before the first was awaited is refused instead of resetting a completion someone may still read.</para>
/// <para>A blocking send (<see cref="EngineTcpSocket.Send"/>) waits on an event the loop sets instead: its thread
/// is woken by the loop itself, not by a thread-pool worker running an awaited continuation.</para>
/// </remarks>
internal sealed class SendCompletion : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private readonly WakeEvent _blockingDone = new();
    private int _inFlight;

    // The kind of the send in flight, written before the send is posted to the loop (the post is the barrier).
    private bool _blocking;
    private Exception? _blockingError;

    /// <summary>
    /// Application thread: starts a send and returns what its caller awaits, or, when <paramref name="blocking"/>,
    /// nothing: the caller then calls <see cref="Wait"/>. False when a send is in flight.
    /// </summary>
    public bool TryStart(bool blocking, out ValueTask completion)
    {
        if (Interlocked.Exchange(ref _inFlight, 1) != 0)
        {
            completion = default;
            return false;
        }

        _blocking = blocking;
        if (blocking)
        {
            _blockingError = null;
            _blockingDone.Reset();
            completion = default;
            return true;
        }

        _core.Reset();
        completion = new ValueTask(this, _core.Version);
        return true;
    }

    /// <summary>Application thread: waits for the blocking send it started; throws what the send failed with.</summary>
    public void Wait()
    {
        try
        {
            _blockingDone.Wait(Timeout.Infinite);
            if (_blockingError is { } error)
            {
                ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            Volatile.Write(ref _inFlight, 0);
        }
    }

    /// <summary>
    /// Application thread: holds the one-send-at-a-time right without starting a send the loop completes (the
    /// application's thread copies into the send buffer itself); false when a send is in flight.
    /// </summary>
    public bool TryAcquire() => Interlocked.Exchange(ref _inFlight, 1) == 0;

    /// <summary>Application thread: gives back what <see cref="TryAcquire"/> took.</summary>
    public void Release() => Volatile.Write(ref _inFlight, 0);

    /// <summary>Application thread: the started send never reached the loop (the engine stopped), so nothing will complete it.</summary>
    public void Withdraw() => Volatile.Write(ref _inFlight, 0);

    /// <summary>Loop thread: every byte is in the send buffer.</summary>
    public void SetResult()
    {
        if (_blocking)
        {
            FinishBlocking(null);
        }
        else
        {
            _core.SetResult(true);
        }
    }

    /// <summary>Loop thread: the send failed or was cancelled.</summary>
    public void SetException(Exception error)
    {
        if (_blocking)
        {
            FinishBlocking(error);
        }
        else
        {
            _core.SetException(error);
        }
    }

    // The error is written before Set, whose atomic exchange publishes it to the waiter.
    private void FinishBlocking(Exception? error)
    {
        _blockingError = error;
        _blockingDone.Set();
    }

    public void GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            Volatile.Write(ref _inFlight, 0);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
