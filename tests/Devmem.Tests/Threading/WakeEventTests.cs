using System.Diagnostics;
using Devmem.Threading;

namespace Devmem.Tests.Threading;

/// <summary>The futex-based event the engine loop and blocking sends sleep on: no wake-up lost, timeouts kept.</summary>
public sealed class WakeEventTests
{
    [Fact]
    public void A_set_event_ends_the_wait_at_once_and_reset_clears_it()
    {
        var wake = new WakeEvent();
        wake.Set();
        Assert.True(wake.IsSet);
        Assert.True(wake.Wait(0));
        Assert.True(wake.Wait(Timeout.Infinite));

        wake.Reset();
        Assert.False(wake.IsSet);
        var clock = Stopwatch.StartNew();
        Assert.False(wake.Wait(50));
        Assert.True(clock.ElapsedMilliseconds >= 45, $"returned after {clock.ElapsedMilliseconds} ms");
        Assert.False(wake.Wait(0));
    }

    [Fact]
    public async Task A_set_from_another_thread_wakes_the_sleeper()
    {
        var wake = new WakeEvent();
        var waiting = Task.Factory.StartNew(() => wake.Wait(Timeout.Infinite), TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        wake.Set();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    // Two threads hand a turn back and forth through two events, as a loop and a sender do: a lost wake-up
    // would stall the exchange until the test's deadline.
    [Fact]
    public async Task Ping_pong_loses_no_wake_up()
    {
        const int Rounds = 20_000;
        var ping = new WakeEvent();
        var pong = new WakeEvent();
        var responder = Task.Factory.StartNew(() =>
        {
            for (int i = 0; i < Rounds; i++)
            {
                Assert.True(ping.Wait(Timeout.Infinite));
                ping.Reset();
                pong.Set();
            }
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var caller = Task.Factory.StartNew(() =>
        {
            for (int i = 0; i < Rounds; i++)
            {
                ping.Set();
                Assert.True(pong.Wait(Timeout.Infinite));
                pong.Reset();
            }
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await Task.WhenAll(responder, caller).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }

    // Deadlines are kept however the clock's millisecond ticks fall: a run of short waits each returns.
    [Fact]
    public async Task Short_timeouts_always_end()
    {
        var wake = new WakeEvent();
        var waits = Task.Factory.StartNew(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                Assert.False(wake.Wait(1 + i % 3));
            }
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // A wait that missed its deadline would sleep for ever: the exchange is bounded instead.
        await waits.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    // A Set racing a wait that times out is never lost: either the wait reports it or the event stays set.
    [Fact]
    public async Task A_set_racing_a_timeout_is_kept()
    {
        for (int i = 0; i < 2000; i++)
        {
            var wake = new WakeEvent();
            var setter = Task.Run(wake.Set, TestContext.Current.CancellationToken);
            bool woke = wake.Wait(i % 2);
            await setter;
            Assert.True(woke || wake.IsSet);
            Assert.True(wake.Wait(0));
        }
    }
}
