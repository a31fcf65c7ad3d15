using Devmem.Threading;
using Devmem.Uapi;

namespace Devmem.Stack.Link.Interop;

/// <summary>
/// Lets a link's one receiver wait until a kernel descriptor is readable, without spinning and without an
/// allocation per wait: a dedicated thread sleeps in <c>poll(2)</c> only while a wait is armed, and completes a
/// reusable <see cref="SingleWaiterEvent"/>, or calls the receiver back directly (<see cref="TryArmCallback"/>),
/// which saves an engine loop the thread-pool hop of an awaited completion. An eventfd in the same poll set
/// ends the thread on dispose.
/// </summary>
/// <remarks>
/// poll(2): "POLLERR ... POLLHUP ... These bits are ignored in the events field" and are always reported; a
/// descriptor in that state stays in it (a TAP whose device was deleted answers EPOLLERR for ever), so once one
/// is seen the waiter stops polling it and the receiver simply never wakes for it again: the link is dead,
/// and spinning on it would gain nothing.
/// </remarks>
internal sealed unsafe class ReadableWaiter : IDisposable
{
    private readonly object _lock = new();
    private readonly SafeHandleReference _fd;
    private readonly DescriptorHandle _stop;
    private readonly SingleWaiterEvent _event;
    private readonly ManualResetEventSlim _armed = new(initialState: false, spinCount: 0);
    private readonly Thread _thread;
    private volatile bool _failed;
    private bool _disposed;
    private Action? _callback;

    /// <param name="fd">The descriptor to watch; the waiter holds a reference on it until disposed.</param>
    /// <param name="name">The thread's name.</param>
    public ReadableWaiter(DescriptorHandle fd, string name)
    {
        int stop = LinkSyscalls.EventFd(0, LinkSyscalls.EFD_CLOEXEC | LinkSyscalls.EFD_NONBLOCK);
        if (stop < 0)
        {
            throw new DevmemException(LinkSyscalls.LastErrno(), "eventfd() failed: cannot create the link's wake-up descriptor.");
        }
        _stop = new DescriptorHandle(stop);
        _fd = new SafeHandleReference(fd);
        _event = new SingleWaiterEvent(_lock);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Whether poll reported an error or hang-up on the descriptor: the link no longer delivers.</summary>
    public bool Failed => _failed;

    /// <summary>Completes when the descriptor is readable (at once if it is). One waiter at a time.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ValueTask wait = _event.WaitLocked(!_failed && PollOnce(_fd.Number, 0) == LinkSyscalls.POLLIN, cancellationToken);
            if (!wait.IsCompleted)
            {
                _armed.Set();
            }
            return wait;
        }
    }

    /// <summary>Ends the thread and releases the descriptor reference.</summary>
    /// <summary>
    /// Arms a one-shot <paramref name="onReadable"/>, called on the poll thread once the descriptor is readable;
    /// false when it already is (nothing will be called). One armed wait at a time, of either kind.
    /// </summary>
    public bool TryArmCallback(Action onReadable)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_failed && PollOnce(_fd.Number, 0) == LinkSyscalls.POLLIN)
            {
                return false;
            }

            _callback = onReadable;
            _armed.Set();
            return true;
        }
    }

    /// <summary>Withdraws an armed callback; false when there was none (it ran, or is running now).</summary>
    public bool DisarmCallback()
    {
        lock (_lock)
        {
            bool armed = _callback is not null;
            _callback = null;
            return armed;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;

            // A receiver still parked wakes and meets the closed link, rather than waiting for ever.
            _event.SignalLocked();
        }
        ulong one = 1;
        _ = LinkSyscalls.Write(_stop, &one, sizeof(ulong));
        _armed.Set();
        _thread.Join();
        _stop.Dispose();
        _armed.Dispose();
        _fd.Dispose();
    }

    // Returns POLLIN when readable, an error bit when the descriptor failed, 0 on timeout.
    private static short PollOnce(int fd, int timeout)
    {
        var descriptor = new PollDescriptor { Fd = fd, Events = LinkSyscalls.POLLIN };
        int ready = LinkSyscalls.Poll(&descriptor, 1, timeout);
        return ready > 0 ? Classify(descriptor.ReturnedEvents) : (short)0;
    }

    private static short Classify(short events) =>
        (events & LinkSyscalls.POLLIN) != 0 ? LinkSyscalls.POLLIN : (short)(events & (LinkSyscalls.POLLERR | LinkSyscalls.POLLHUP | LinkSyscalls.POLLNVAL));

    private void Run()
    {
        PollDescriptor* set = stackalloc PollDescriptor[2];
        while (true)
        {
            _armed.Wait();
            set[0] = new PollDescriptor { Fd = _stop.Number, Events = LinkSyscalls.POLLIN };
            set[1] = new PollDescriptor { Fd = _fd.Number, Events = LinkSyscalls.POLLIN };

            // A failed descriptor is left out: only the stop eventfd can end this poll.
            int ready = LinkSyscalls.Poll(set, _failed ? 1u : 2u, -1);
            if (ready < 0)
            {
                // EINTR: a signal; poll again.
                continue;
            }
            if (set[0].ReturnedEvents != 0)
            {
                return;
            }
            short state = Classify(set[1].ReturnedEvents);
            if (state == 0)
            {
                continue;
            }
            Action? callback;
            lock (_lock)
            {
                if (state != LinkSyscalls.POLLIN)
                {
                    _failed = true;
                    continue;
                }
                _armed.Reset();
                _event.SignalLocked();
                callback = _callback;
                _callback = null;
            }
            callback?.Invoke();
        }
    }
}
