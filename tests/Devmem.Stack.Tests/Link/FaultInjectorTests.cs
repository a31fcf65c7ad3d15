using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Link;

public class FaultInjectorTests
{
    private static (FaultInjector Injector, RecordingWriter Out, ManualTimeProvider Clock) Create(FaultInjectorOptions options)
    {
        var clock = new ManualTimeProvider();
        var output = new RecordingWriter();
        return (new FaultInjector(output, options, clock), output, clock);
    }

    private static void WriteNumbered(FaultInjector injector, int count)
    {
        for (int i = 0; i < count; i++)
        {
            injector.Write(LinkFrames.Numbered(i));
        }
    }

    [Fact]
    public void Without_faults_frames_pass_untouched_and_in_order()
    {
        var (injector, output, _) = Create(new FaultInjectorOptions());
        using (injector)
        {
            WriteNumbered(injector, 100);
            Assert.Equal(Enumerable.Range(0, 100), output.Sequence());
            Assert.Equal(100, injector.Frames);
            Assert.Equal(100, injector.Delivered);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_faults_and_another_seed_does_not()
    {
        var options = new FaultInjectorOptions
        {
            Seed = 42,
            LossRate = 0.1,
            DuplicateRate = 0.1,
            CorruptRate = 0.1,
            ReorderRate = 0.1,
            Latency = TimeSpan.FromMilliseconds(1),
            Jitter = TimeSpan.FromMilliseconds(1),
        };
        byte[][] Run(FaultInjectorOptions o)
        {
            var (injector, output, clock) = Create(o);
            using (injector)
            {
                for (int i = 0; i < 500; i++)
                {
                    injector.Write(LinkFrames.Numbered(i));
                    clock.Advance(TimeSpan.FromMicroseconds(300));
                }
                clock.Advance(TimeSpan.FromSeconds(1));
                return [.. output.Frames];
            }
        }
        var first = Run(options);
        var second = Run(options);
        var other = Run(options with { Seed = 43 });
        Assert.Equal(first.Length, second.Length);
        Assert.True(first.Zip(second).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second)));
        Assert.False(first.Length == other.Length && first.Zip(other).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second)));
    }

    [Fact]
    public void Loss_drops_the_configured_share_over_ten_thousand_frames()
    {
        var (injector, output, _) = Create(new FaultInjectorOptions { Seed = 7, LossRate = 0.1 });
        using (injector)
        {
            WriteNumbered(injector, 10_000);
            // Binomial(10000, 0.1): standard deviation 30; allow five.
            Assert.InRange(injector.Lost, 850, 1150);
            Assert.Equal(10_000 - injector.Lost, output.Frames.Count);
            Assert.Equal(injector.Delivered, output.Frames.Count);
            var sequence = output.Sequence();
            Assert.Equal(sequence.Order(), sequence);
        }
    }

    [Fact]
    public void Reordering_changes_the_order_but_keeps_every_frame()
    {
        var (injector, output, clock) = Create(new FaultInjectorOptions { Seed = 3, ReorderRate = 0.2, ReorderDistance = 3 });
        using (injector)
        {
            WriteNumbered(injector, 1000);
            // Frames held near the end have fewer than three followers: the timeout releases them.
            Assert.True(injector.Held > 0);
            clock.Advance(injector.Options.ReorderTimeout);
            Assert.Equal(0, injector.Held);

            var sequence = output.Sequence();
            Assert.Equal(Enumerable.Range(0, 1000), sequence.Order());
            Assert.NotEqual(Enumerable.Range(0, 1000), sequence);
            Assert.InRange(injector.Reordered, 120, 280);
            Assert.Equal(1000, injector.Delivered);
        }
    }

    [Fact]
    public void A_held_frame_is_overtaken_by_exactly_the_configured_number_of_frames()
    {
        var (injector, output, _) = Create(new FaultInjectorOptions { Seed = 11, ReorderRate = 0.3, ReorderDistance = 2 });
        using (injector)
        {
            WriteNumbered(injector, 300);
            // The clock has not moved, so no hold timed out: every frame out so far was either passed
            // at once (overtaken by none) or held until two later frames had passed.
            var sequence = output.Sequence();
            var overtakers = sequence.Select((number, at) => sequence.Take(at).Count(earlier => earlier > number)).ToList();
            Assert.All(overtakers, count => Assert.True(count is 0 or 2, $"overtaken by {count}"));
            Assert.Equal(injector.Reordered - injector.Held, overtakers.Count(count => count == 2));
            Assert.True(injector.Reordered > 50);
        }
    }

    [Fact]
    public void Duplication_sends_an_identical_copy_right_after_the_original()
    {
        var (injector, output, _) = Create(new FaultInjectorOptions { Seed = 5, DuplicateRate = 0.25 });
        using (injector)
        {
            WriteNumbered(injector, 1000);
            Assert.InRange(injector.Duplicated, 180, 320);
            Assert.Equal(1000 + injector.Duplicated, output.Frames.Count);
            Assert.Equal(Enumerable.Range(0, 1000), output.Sequence().Distinct());
            int repeats = output.Sequence().Zip(output.Sequence().Skip(1)).Count(pair => pair.First == pair.Second);
            Assert.Equal(injector.Duplicated, repeats);
        }
    }

    [Fact]
    public void Every_corrupted_frame_fails_the_ipv4_header_checksum_and_no_other_does()
    {
        var (injector, output, _) = Create(new FaultInjectorOptions { Seed = 9, CorruptRate = 0.3 });
        using (injector)
        {
            for (int i = 0; i < 2000; i++)
            {
                injector.Write(LinkFrames.Ipv4HeaderOnly(i));
            }
            Assert.InRange(injector.Corrupted, 500, 700);
            int rejected = 0;
            foreach (var frame in output.Frames)
            {
                // The Ethernet header is never touched: only the IP layer can notice.
                Assert.True(EthernetRepr.TryParse(frame, out var ethernet, out _));
                Assert.Equal(EtherType.Ipv4, ethernet.EtherType);
                if (!Ipv4Repr.TryParse(frame.AsSpan(EthernetView.HeaderLength), out _, out _))
                {
                    rejected++;
                }
            }
            Assert.Equal(injector.Corrupted, rejected);
        }
    }

    [Fact]
    public void Latency_holds_frames_until_the_clock_reaches_it()
    {
        var (injector, output, clock) = Create(new FaultInjectorOptions { Latency = TimeSpan.FromMilliseconds(10) });
        using (injector)
        {
            injector.Write(LinkFrames.Numbered(0));
            clock.Advance(TimeSpan.FromMilliseconds(4));
            injector.Write(LinkFrames.Numbered(1));
            clock.Advance(TimeSpan.FromMilliseconds(5.9999));
            Assert.Empty(output.Frames);
            clock.Advance(TimeSpan.FromTicks(1));
            Assert.Equal([0], output.Sequence());
            clock.Advance(TimeSpan.FromMilliseconds(4));
            Assert.Equal([0, 1], output.Sequence());
            Assert.Equal(2, injector.Delayed);
            Assert.Equal(0, injector.Held);
        }
    }

    [Fact]
    public void Jitter_keeps_each_delay_within_its_bounds()
    {
        var (injector, output, clock) = Create(new FaultInjectorOptions
        {
            Seed = 1,
            Latency = TimeSpan.FromMilliseconds(10),
            Jitter = TimeSpan.FromMilliseconds(5),
        });
        using (injector)
        {
            WriteNumbered(injector, 200);
            clock.Advance(TimeSpan.FromMilliseconds(5) - TimeSpan.FromTicks(1));
            Assert.Empty(output.Frames);
            clock.Advance(TimeSpan.FromMilliseconds(10));
            Assert.Equal(200, output.Frames.Count);
            // Delays differ, so frames written together leave in a different order.
            Assert.NotEqual(Enumerable.Range(0, 200), output.Sequence());
        }
    }

    [Fact]
    public void The_rate_limit_spaces_frames_by_their_serialisation_time()
    {
        // 1 Mbit/s and 125-byte frames: one frame per millisecond; the bucket holds one frame.
        var (injector, output, clock) = Create(new FaultInjectorOptions { RateBitsPerSecond = 1_000_000, RateBurstBytes = 125 });
        using (injector)
        {
            for (int i = 0; i < 10; i++)
            {
                injector.Write(LinkFrames.Numbered(i, length: 125));
            }
            Assert.Single(output.Frames);
            Assert.Equal(9, injector.RateLimited);
            for (int ms = 1; ms <= 9; ms++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(1) - TimeSpan.FromTicks(1));
                Assert.Equal(ms, output.Frames.Count);
                clock.Advance(TimeSpan.FromTicks(1));
                Assert.Equal(ms + 1, output.Frames.Count);
            }
            Assert.Equal(Enumerable.Range(0, 10), output.Sequence());

            // After idling, the bucket is full again: one frame passes at once.
            clock.Advance(TimeSpan.FromSeconds(1));
            injector.Write(LinkFrames.Numbered(10, length: 125));
            Assert.Equal(11, output.Frames.Count);
        }
    }

    [Fact]
    public void Frames_beyond_the_hold_capacity_are_dropped_and_counted()
    {
        var (injector, output, clock) = Create(new FaultInjectorOptions { Latency = TimeSpan.FromMilliseconds(1), HoldCapacity = 4 });
        using (injector)
        {
            WriteNumbered(injector, 10);
            Assert.Equal(6, injector.Overflowed);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal([0, 1, 2, 3], output.Sequence());
        }
    }

    [Fact]
    public void Probabilities_outside_zero_to_one_are_refused()
    {
        var output = new RecordingWriter();
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjector(output, new FaultInjectorOptions { LossRate = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjector(output, new FaultInjectorOptions { CorruptRate = -0.1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjector(output, new FaultInjectorOptions { ReorderRate = double.NaN }));
    }
}
