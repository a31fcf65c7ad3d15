using System.Runtime.CompilerServices;
using Devmem.Stack.Link;
using Devmem.Threading;

namespace Devmem.Stack.Sockets;

public sealed partial class UserSpaceEngine
{
    // Frames taken from the link per turn before connections are serviced, so that ACKs and window
    // updates keep flowing while a peer floods us.
    private const int MaxReceiveBatchesPerTurn = 4;

    private readonly Thread _thread;
    // Commands from application threads, under _postLock; the loop moves them to _running to run them
    // outside the lock. Both queues keep their arrays, so a steady stream of commands allocates nothing
    // (a ConcurrentQueue drops a segment every few dozen items).
    private readonly Queue<Action> _commands = new();
    private readonly Queue<Action> _running = new();
    private readonly Lock _postLock = new();

    // Set under _postLock with each command; the loop looks at it before taking the lock, so that a turn with
    // no command never contends with an application thread posting one.
    private volatile bool _commandsWaiting;
    private readonly WakeEvent _wake = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Action _onFramesWaiting;

    // The wait for frames of a link without a ready callback: it sets _wake when the link has frames, after
    // clearing _linkWaitArmed. The loop takes its result (handing the pooled box back) before arming the next,
    // or, when it is still finishing its last step, parks it in _finishingLinkWait and takes it at the next arming.
    private ValueTask _linkWait;
    private ValueTask _finishingLinkWait;
    private volatile bool _linkWaitArmed;
    private bool _stopRequested;
    private bool _stopped;

    // The loop's clock reading for the current turn, in microseconds.
    private long _now;

    /// <summary>Stops the loop: open connections are aborted (RST), listeners closed, receive queues freed, the NIC destroyed.</summary>
    public void Dispose()
    {
        lock (_postLock)
        {
            _stopRequested = true;
        }

        _wake.Set();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Any thread: queues <paramref name="command"/> for the loop and wakes it; false once the engine stopped.</summary>
    internal bool Post(Action command)
    {
        lock (_postLock)
        {
            if (_stopped)
            {
                return false;
            }

            _commands.Enqueue(command);
            _commandsWaiting = true;
        }

        _wake.Set();
        return true;
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                // Reset before looking for work: a Set from here on (a command, a frame) ends the next wait.
                _wake.Reset();
                _now = _clock.Now;
                RunCommands();
                if (Volatile.Read(ref _stopRequested))
                {
                    break;
                }

                ReceiveFrames();
                PollInterface();
                ServiceDue();
                Flush();
                WaitForWork();
            }
        }
        finally
        {
            Shutdown();
        }
    }

    private void RunCommands()
    {
        // A command posted after this look sets _wake, which was reset before it: the next wait ends at once.
        if (!_commandsWaiting)
        {
            return;
        }

        lock (_postLock)
        {
            _commandsWaiting = false;
            while (_commands.TryDequeue(out Action? posted))
            {
                _running.Enqueue(posted);
            }
        }

        while (_running.TryDequeue(out Action? command))
        {
            command();
        }
    }

    // Sleeps until the link has frames, a command arrives, or the earliest deadline: never a busy spin.
    private void WaitForWork()
    {
        ArmLinkWait();
        long now = _clock.Now;
        long deadline = Math.Min(_scheduler.NextDeadline, _ip.PollAt());
        int timeout = EngineClock.MillisecondsUntil(deadline, now, long.MaxValue);
        if (timeout != 0)
        {
            _wake.Wait(timeout);
        }
    }

    // One wait on the link at a time: its completion sets the wake event. A kernel link's poll thread, or the
    // peer engine writing into a memory link, calls back directly; any other link's wait is awaited, and its
    // completion runs on the thread pool.
    private void ArmLinkWait()
    {
        if (_linkWaitArmed)
        {
            return;
        }

        if (_link is IReadyCallbackLink callbackLink)
        {
            // Armed before the call: the callback may run on the poll thread before the call returns.
            _linkWaitArmed = true;
            if (!callbackLink.TryArmReadyCallback(_onFramesWaiting))
            {
                _linkWaitArmed = false;
                _wake.Set();
            }

            return;
        }

        // A wait still unfinished after two armings is dropped: its box is simply not reused.
        TryTakeLinkWait(ref _finishingLinkWait);
        if (!TryTakeLinkWait(ref _linkWait))
        {
            _finishingLinkWait = _linkWait;
            _linkWait = default;
        }

        ValueTask frames = _link.WaitForFramesAsync(_stopping.Token);
        if (frames.IsCompleted)
        {
            frames.GetAwaiter().GetResult();
            _wake.Set();
            return;
        }

        _linkWaitArmed = true;

        // Kept, not awaited: the loop takes its result once, when it arms the next wait.
#pragma warning disable CA2012
        _linkWait = WakeOnFramesAsync(frames);
#pragma warning restore CA2012
    }

    private void OnFramesWaiting()
    {
        _linkWaitArmed = false;
        _wake.Set();
    }

    // Takes a completed wait's result, which hands its pooled box back (the ValueTask must not be looked at
    // again); false while it is still running.
    private static bool TryTakeLinkWait(ref ValueTask wait)
    {
        if (!wait.IsCompleted)
        {
            return false;
        }

        wait.GetAwaiter().GetResult();
        wait = default;
        return true;
    }

    // Awaited from a pooled state machine rather than given a callback: the thread pool then runs the
    // continuation without wrapping it in a work item (one allocation per wake-up).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WakeOnFramesAsync(ValueTask frames)
    {
        try
        {
            await frames.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The engine is stopping.
        }

        _linkWaitArmed = false;
        _wake.Set();
    }

    private void Shutdown()
    {
        lock (_postLock)
        {
            _stopped = true;
        }

        // Commands posted before the door closed still run, so that no caller waits forever.
        _now = _clock.Now;
        RunCommands();
        foreach (EngineTcpListener listener in _listeners.Values.ToList())
        {
            StopListening(listener);
        }

        foreach (EngineConnection connection in _connections.Values.ToList())
        {
            connection.Abandon();
            Dispatch(connection);
        }

        foreach (EngineConnection connection in _finished)
        {
            connection.Abandon();
        }

        _connections.Clear();
        _finished.Clear();
        Flush();
        _nic.Dispose();
        _stopping.Cancel();
        if (_link is IReadyCallbackLink callbackLink && callbackLink.DisarmReadyCallback())
        {
            _linkWaitArmed = false;
        }

        SpinWait.SpinUntil(() => !_linkWaitArmed, TimeSpan.FromSeconds(5));
        _stopping.Dispose();
    }
}
