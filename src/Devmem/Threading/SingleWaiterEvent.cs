using System.Threading.Tasks.Sources;

namespace Devmem.Threading;

/// <summary>
/// Lets one consumer wait for something a producer makes ready (frames on a link, data on a socket) without a
/// thread and without an allocation per wait: a reusable <see cref="IValueTaskSource"/> the producer completes.
/// Every member runs under the owner's lock, which is also what the producer holds when it signals, so an
/// event between the consumer's check and its wait cannot be missed.
/// </summary>
public sealed class SingleWaiterEvent : IValueTaskSource
{
    private readonly object _syncRoot;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;
    private CancellationTokenRegistration _registration;

    /// <param name="syncRoot">The owner's lock: wait, signal and cancel all run under it.</param>
    public SingleWaiterEvent(object syncRoot)
    {
        _syncRoot = syncRoot;
    }

    /// <summary>Called with the owner's lock held: completed at once when <paramref name="ready"/>, else when signalled.</summary>
    /// <exception cref="InvalidOperationException">Another wait is outstanding.</exception>
    public ValueTask WaitLocked(bool ready, CancellationToken cancellationToken)
    {
        if (_waiting)
        {
            throw new InvalidOperationException("another consumer is already waiting: one waiter at a time");
        }
        if (ready)
        {
            return ValueTask.CompletedTask;
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        _core.Reset();
        _waiting = true;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((SingleWaiterEvent)state!).Cancel(token), this);
        }
        return new ValueTask(this, _core.Version);
    }

    /// <summary>Called with the owner's lock held once the awaited condition may have become true.</summary>
    public void SignalLocked()
    {
        if (_waiting)
        {
            _waiting = false;
            // Unregister, not Dispose: Dispose would wait for a running cancel callback, which waits for this lock.
            _registration.Unregister();
            _core.SetResult(true);
        }
    }

    private void Cancel(CancellationToken token)
    {
        lock (_syncRoot)
        {
            if (_waiting)
            {
                _waiting = false;
                _core.SetException(new OperationCanceledException(token));
            }
        }
    }

    public void GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
