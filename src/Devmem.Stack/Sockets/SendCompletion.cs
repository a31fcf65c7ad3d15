using System.Threading.Tasks.Sources;

namespace Devmem.Stack.Sockets;

/// <summary>
/// The one send a socket has in progress, as a reusable <see cref="IValueTaskSource"/>: the application's thread
/// starts it, the loop completes it, and <see cref="EngineTcpSocket.SendAsync"/> allocates nothing per call
/// (a <see cref="TaskCompletionSource"/> and its task per send were most of what a transfer allocated).
/// </summary>
/// <remarks>
/// A send counts as in flight from <see cref="TryStart"/> until its result is taken, so a second send started
/// before the first was awaited is refused instead of resetting a completion someone may still read.
/// </remarks>
internal sealed class SendCompletion : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _inFlight;

    /// <summary>Application thread: starts a send and returns what its caller awaits; false when one is in flight.</summary>
    public bool TryStart(out ValueTask completion)
    {
        if (Interlocked.Exchange(ref _inFlight, 1) != 0)
        {
            completion = default;
            return false;
        }

        _core.Reset();
        completion = new ValueTask(this, _core.Version);
        return true;
    }

    /// <summary>Application thread: the started send never reached the loop (the engine stopped), so nothing will complete it.</summary>
    public void Withdraw() => Volatile.Write(ref _inFlight, 0);

    /// <summary>Loop thread: every byte is in the send buffer.</summary>
    public void SetResult() => _core.SetResult(true);

    /// <summary>Loop thread: the send failed or was cancelled.</summary>
    public void SetException(Exception error) => _core.SetException(error);

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
