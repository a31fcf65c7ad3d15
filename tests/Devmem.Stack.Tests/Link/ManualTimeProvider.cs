namespace Devmem.Stack.Tests.Link;

/// <summary>
/// A clock that moves only when a test calls <see cref="Advance"/>; its timers fire on that call, in
/// due order, each seeing the clock at its due time. One tick is 100 ns.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly List<ManualTimer> _timers = [];
    private long _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _now;

    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(_now);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        long target = _now + by.Ticks;
        while (true)
        {
            ManualTimer? next = null;
            foreach (var timer in _timers)
            {
                if (timer.DueAt <= target && (next is null || timer.DueAt < next.DueAt))
                {
                    next = timer;
                }
            }
            if (next is null)
            {
                break;
            }
            _now = Math.Max(_now, next.DueAt);
            next.Fire();
        }
        _now = target;
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private long _period = long.MaxValue;

        public long DueAt { get; private set; } = long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueAt = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : clock._now + dueTime.Ticks;
            _period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? long.MaxValue : period.Ticks;
            return true;
        }

        public void Fire()
        {
            DueAt = _period == long.MaxValue ? long.MaxValue : DueAt + _period;
            callback(state);
        }

        public void Dispose()
        {
            DueAt = long.MaxValue;
            clock._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
