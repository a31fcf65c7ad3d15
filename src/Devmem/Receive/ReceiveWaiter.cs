using System.Threading.Tasks.Sources;

namespace Devmem.Receive;

/// <summary>
/// Lets one asynchronous receive wait for data without blocking a thread and without allocating per wait:
/// a reusable <see cref="IValueTaskSource"/> completed when the receiver has something to report.
/// </summary>
internal sealed class ReceiveWaiter : IValueTaskSource
{
    private readonly object _syncRoot;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;
    private CancellationTokenRegistration _registration;

    /// <param name="syncRoot">The receiver's lock: signal, wait and cancel all run under it.</param>
    public ReceiveWaiter(object syncRoot)
    {
        _syncRoot = syncRoot;
    }

    /// <summary>Completes when <paramref name="receiver"/> has data, end of stream, an error, or is closed.</summary>
    public ValueTask WaitAsync(DevmemReceiver receiver, CancellationToken cancellationToken)
    {
        lock (_syncRoot)
        {
            if (_waiting)
            {
                throw new InvalidOperationException("another asynchronous receive is already waiting on this socket");
            }

            if (receiver.HasEventLocked)
            {
                return ValueTask.CompletedTask;
            }

            _core.Reset();
            _waiting = true;
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.UnsafeRegister(static (state, token) => ((ReceiveWaiter)state!).Cancel(token), this);
            }

            return new ValueTask(this, _core.Version);
        }
    }

    /// <summary>Called with the receiver's lock held.</summary>
    public void Signal()
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
